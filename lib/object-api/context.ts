import type { IncomingMessage, ServerResponse } from "node:http";
import type { AuditContext } from "@/lib/audit/audit-log";
import type { BucketRecord } from "@/lib/buckets/bucket-record";
import type { RequestTelemetry } from "@/lib/http/request-telemetry";
import type { MultipartService } from "@/lib/objects/multipart-service";
import type { ObjectService } from "@/lib/objects/object-service";
import type { AsyncFetches } from "@/lib/origin/async-fetches";
import type { MirrorEngine } from "@/lib/origin/mirror-engine";
import type { RequestTarget } from "./request-target";

/** What the object API runs on: the object service, multipart uploads and the back-to-origin engine. */
export interface ObjectApiDeps {
  objects: ObjectService;
  multipart: MultipartService;
  engine: MirrorEngine;
  /** FetchObject's async mode: accepted fetches, kept as jobs. */
  fetches: AsyncFetches;
}

/** What the dispatcher needs besides: where each request is logged and counted. */
export interface ObjectApiServices extends ObjectApiDeps {
  telemetry: RequestTelemetry;
}

/** Everything a handler needs for one request. */
export interface ObjectApiContext extends ObjectApiDeps {
  req: IncomingMessage;
  res: ServerResponse;
  requestId: string;
  target: RequestTarget;
  /** The addressed bucket, looked up once by the dispatcher (null when it does not exist). */
  bucket: BucketRecord | null;
  /** Who is acting (the verified access key), for the audit log of changes. */
  audit: AuditContext;
}
