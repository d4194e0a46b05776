import type { IncomingMessage, ServerResponse } from "node:http";
import type { AuditContext } from "@/lib/audit/audit-log";
import type { MirrorEngine } from "@/lib/origin/mirror-engine";
import type { RequestTarget } from "./request-target";

/** Everything a handler needs for one request. */
export interface ObjectApiContext {
  req: IncomingMessage;
  res: ServerResponse;
  requestId: string;
  target: RequestTarget;
  engine: MirrorEngine;
  /** Who is acting (the verified access key), for the audit log of changes. */
  audit: AuditContext;
}
