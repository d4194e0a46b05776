import { apiRoute, json } from "@/lib/api/route-handler";
import { listAuditEvents } from "@/lib/audit/audit-log";

/** Audit events that belong to no bucket (access keys, first start), newest first; `?before={id}` pages back. */
export const GET = apiRoute(async (request) => {
  const before = Number(new URL(request.url).searchParams.get("before"));
  return json(await listAuditEvents(null, { before: Number.isInteger(before) && before > 0 ? before : undefined }));
});
