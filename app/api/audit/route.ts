import { apiRoute, json } from "@/lib/api/route-handler";
import { auditCursor, listAuditEvents } from "@/lib/audit/audit-log";

/** Audit events that belong to no bucket (access keys, first start), newest first; `?before={id}` pages back. */
export const GET = apiRoute(async (request) => {
  return json(await listAuditEvents(null, { before: auditCursor(request.url) }));
});
