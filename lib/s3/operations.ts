/**
 * The S3 API as a table of named operations (as lib/object-api/operations.ts is for BOS): which
 * request each one answers, who may run it, and its handler. The dispatcher (s3-api.ts) resolves
 * the operation, then the bucket once. A request no operation answers is NotImplemented (501).
 */
import type { IncomingHttpHeaders } from "node:http";
import type { BucketRecord } from "@/lib/buckets/bucket-record";
import type { MaybePromise } from "@/lib/maybe-promise";
import {
  createBucketHandler,
  deleteBucketHandler,
  getBucketAcl,
  getBucketLocation,
  headBucketHandler,
  listBucketsHandler,
  putBucketAcl,
} from "./bucket-handlers";
import type { S3Context } from "./context";
import { listObjectsV1, listObjectsV2 } from "./list-handlers";
import {
  abortMultipartUpload,
  completeMultipartUpload,
  createMultipartUpload,
  listMultipartUploads,
  listParts,
  uploadPart,
  uploadPartCopy,
} from "./multipart-handlers";
import { copyObject, deleteObject, deleteObjects, getObject, putObject } from "./object-handlers";
import { S3Error } from "./s3-error";

export type S3OperationName =
  | "ListBuckets"
  | "CreateBucket"
  | "HeadBucket"
  | "DeleteBucket"
  | "GetBucketLocation"
  | "GetBucketAcl"
  | "PutBucketAcl"
  | "ListObjects"
  | "ListObjectsV2"
  | "DeleteObjects"
  | "GetObject"
  | "HeadObject"
  | "PutObject"
  | "CopyObject"
  | "DeleteObject"
  | "CreateMultipartUpload"
  | "UploadPart"
  | "UploadPartCopy"
  | "CompleteMultipartUpload"
  | "AbortMultipartUpload"
  | "ListParts"
  | "ListMultipartUploads";

/** "read": what an anonymous client may do in a public-read bucket. "write": anything else (signed). */
export type S3Access = "read" | "write";

type Scope = "service" | "bucket" | "object";

interface RequestShape {
  headers: IncomingHttpHeaders;
  query: URLSearchParams;
}

export interface S3Operation {
  name: S3OperationName;
  scope: Scope;
  method: string;
  /** The query parameter that selects it (`?acl`), if any. */
  subresource?: string;
  /** A further test of the request (CopyObject's header, ListObjectsV2's list-type). */
  when?: (request: RequestShape) => boolean;
  access: S3Access;
  /** Runs on an existing bucket (the dispatcher answers NoSuchBucket otherwise), or on a name. */
  run: ((ctx: S3Context, bucket: BucketRecord) => MaybePromise<void>) | { byName: (ctx: S3Context, name: string) => Promise<void> };
}

const OPERATIONS: S3Operation[] = [
  { name: "ListBuckets", scope: "service", method: "GET", access: "write", run: { byName: (ctx) => listBucketsHandler(ctx) } },
  { name: "GetBucketLocation", scope: "bucket", method: "GET", subresource: "location", access: "write", run: getBucketLocation },
  { name: "GetBucketAcl", scope: "bucket", method: "GET", subresource: "acl", access: "write", run: getBucketAcl },
  { name: "PutBucketAcl", scope: "bucket", method: "PUT", subresource: "acl", access: "write", run: putBucketAcl },
  { name: "DeleteObjects", scope: "bucket", method: "POST", subresource: "delete", access: "write", run: deleteObjects },
  { name: "ListObjectsV2", scope: "bucket", method: "GET", when: ({ query }) => query.has("list-type"), access: "read", run: listObjectsV2 },
  { name: "ListObjects", scope: "bucket", method: "GET", access: "read", run: listObjectsV1 },
  { name: "HeadBucket", scope: "bucket", method: "HEAD", access: "read", run: (ctx) => headBucketHandler(ctx) },
  { name: "CreateBucket", scope: "bucket", method: "PUT", access: "write", run: { byName: createBucketHandler } },
  { name: "DeleteBucket", scope: "bucket", method: "DELETE", access: "write", run: deleteBucketHandler },
  { name: "GetObject", scope: "object", method: "GET", access: "read", run: getObject },
  { name: "HeadObject", scope: "object", method: "HEAD", access: "read", run: getObject },
  { name: "CopyObject", scope: "object", method: "PUT", when: ({ headers }) => headers["x-amz-copy-source"] !== undefined, access: "write", run: copyObject },
  { name: "PutObject", scope: "object", method: "PUT", access: "write", run: putObject },
  { name: "DeleteObject", scope: "object", method: "DELETE", access: "write", run: deleteObject },
  { name: "ListMultipartUploads", scope: "bucket", method: "GET", subresource: "uploads", access: "write", run: listMultipartUploads },
  { name: "CreateMultipartUpload", scope: "object", method: "POST", subresource: "uploads", access: "write", run: createMultipartUpload },
  { name: "UploadPartCopy", scope: "object", method: "PUT", subresource: "uploadId", when: ({ headers }) => headers["x-amz-copy-source"] !== undefined, access: "write", run: uploadPartCopy },
  { name: "UploadPart", scope: "object", method: "PUT", subresource: "uploadId", access: "write", run: uploadPart },
  { name: "CompleteMultipartUpload", scope: "object", method: "POST", subresource: "uploadId", access: "write", run: completeMultipartUpload },
  { name: "AbortMultipartUpload", scope: "object", method: "DELETE", subresource: "uploadId", access: "write", run: abortMultipartUpload },
  { name: "ListParts", scope: "object", method: "GET", subresource: "uploadId", access: "write", run: listParts },
];

/**
 * Every query parameter that selects an S3 operation or subresource. A request carrying one that
 * no operation above answers (`?versioning`, `?uploads`, `?tagging`, …) is NotImplemented, never
 * served as if the parameter were absent. Other parameters (prefix, x-id, response-*, X-Amz-*) do
 * not select anything.
 */
const SUBRESOURCES = new Set([
  "accelerate",
  "acl",
  "analytics",
  "attributes",
  "cors",
  "delete",
  "encryption",
  "intelligent-tiering",
  "inventory",
  "legal-hold",
  "lifecycle",
  "location",
  "logging",
  "metadataConfiguration",
  "metrics",
  "notification",
  "object-lock",
  "ownershipControls",
  "partNumber",
  "policy",
  "policyStatus",
  "publicAccessBlock",
  "replication",
  "requestPayment",
  "restore",
  "retention",
  "select",
  "session",
  "tagging",
  "torrent",
  "uploadId",
  "uploads",
  "versioning",
  "versions",
  "website",
]);

const SCOPE_LABEL: Record<Scope, string> = { service: "the service", bucket: "a bucket", object: "an object" };

/** The operation a request asks for; NotImplemented when there is none. */
export function resolveS3Operation(method: string, target: { bucket: string | null; key: string | null; query: URLSearchParams }, headers: IncomingHttpHeaders): S3Operation {
  const scope: Scope = target.bucket === null ? "service" : target.key === null ? "bucket" : "object";
  const selected = [...target.query.keys()].filter((name) => SUBRESOURCES.has(name));
  const version = target.query.get("versionId");
  if (version !== null && version !== "null") throw new S3Error("NotImplemented", "Versioning is not supported: address the current version (no versionId).");
  // uploadId selects the multipart operations (partNumber is then UploadPart's parameter).
  const subresource = selected.includes("uploadId") ? "uploadId" : selected[0];
  const operation = OPERATIONS.find(
    (candidate) =>
      candidate.scope === scope && candidate.method === method && candidate.subresource === subresource && (!candidate.when || candidate.when({ headers, query: target.query })),
  );
  if (operation) return operation;
  throw new S3Error("NotImplemented", `${method} ${subresource ? `?${subresource} ` : ""}on ${SCOPE_LABEL[scope]} is not implemented by this server.`);
}
