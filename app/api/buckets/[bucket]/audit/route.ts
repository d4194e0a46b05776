import { apiRoute, json } from "@/lib/api/route-handler";
import { auditCursor, listAuditEvents } from "@/lib/audit/audit-log";
import { getBucket } from "@/lib/buckets/bucket-service";

type Params = { bucket: string };

/** The bucket's audit events, newest first; `?before={id}` pages back. */
export const GET = apiRoute<Params>(async (request, { bucket }) => {
  await getBucket(bucket);
  return json(await listAuditEvents(bucket, { before: auditCursor(request.url) }));
});
