import type { IncomingMessage, ServerResponse } from "node:http";
import type { AuditContext } from "@/lib/audit/audit-log";
import type { BucketRecord } from "@/lib/buckets/bucket-record";
import type { RequestTelemetry } from "@/lib/http/request-telemetry";
import type { MultipartService } from "@/lib/objects/multipart-service";
import type { ObjectService } from "@/lib/objects/object-service";
import type { MirrorEngine } from "@/lib/origin/mirror-engine";
import type { S3Identity } from "./auth/sigv4";
import type { S3Target } from "./request-target";

/** What the S3 API runs on: the same object service and back-to-origin engine as BOS. */
export interface S3ApiDeps {
  objects: ObjectService;
  multipart: MultipartService;
  engine: MirrorEngine;
  /** Where each request is logged and counted (the dispatcher's, not the handlers'). */
  telemetry: RequestTelemetry;
}

export interface S3Settings {
  /** OBJECT_HOST: `{bucket}.{OBJECT_HOST}` is virtual-host addressing. */
  objectHost: string | undefined;
  /** S3_REGION: the credential scope signatures must name, and GetBucketLocation's answer. */
  region: string;
}

/** Everything a handler needs for one request. */
export interface S3Context extends S3ApiDeps {
  req: IncomingMessage;
  res: ServerResponse;
  requestId: string;
  region: string;
  target: S3Target;
  /** The addressed bucket, looked up once by the dispatcher (null when it does not exist). */
  bucket: BucketRecord | null;
  /** The verified signer, or null for an anonymous request. */
  identity: S3Identity | null;
  /** Who is acting (the verified access key), for the audit log of changes. */
  audit: AuditContext;
}
