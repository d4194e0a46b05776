/**
 * The BOS object API as a table of named operations: which request each one answers, who may run
 * it, and its handler. The dispatcher (object-api.ts) resolves the operation, then the bucket once;
 * logging and metrics hang on the operation's name.
 */
import type { BucketRecord } from "@/lib/buckets/bucket-record";
import type { MaybePromise } from "@/lib/maybe-promise";
import { getAcl, putAcl } from "./acl-handlers";
import { BosError } from "./bos-error";
import { createBucketHandler, deleteBucketHandler, headBucketHandler, listBucketsHandler, listObjectsHandler } from "./bucket-handlers";
import type { ObjectApiContext } from "./context";
import { deleteMirroring, getMirroring, putMirroring } from "./mirroring-handlers";
import { abortMultipartUpload, completeMultipartUpload, initiateMultipartUpload, listMultipartUploads, listParts, uploadPart } from "./multipart-handlers";
import { fetchObject } from "./fetch-object-handler";
import { deleteObject, getObject, putObject } from "./object-handlers";

export type OperationName =
  | "ListBuckets"
  | "PutBucket"
  | "HeadBucket"
  | "DeleteBucket"
  | "ListObjects"
  | "GetBucketMirroring"
  | "PutBucketMirroring"
  | "DeleteBucketMirroring"
  | "GetBucketAcl"
  | "PutBucketAcl"
  | "GetObject"
  | "HeadObject"
  | "PutObject"
  | "DeleteObject"
  | "InitiateMultipartUpload"
  | "UploadPart"
  | "CompleteMultipartUpload"
  | "AbortMultipartUpload"
  | "ListParts"
  | "ListMultipartUploads"
  | "FetchObject";

/** "read": what an anonymous client may do in a public-read bucket. "write": anything else (signed). */
export type Access = "read" | "write";

type Scope = "service" | "bucket" | "object";

interface OperationSpec {
  name: OperationName;
  scope: Scope;
  method: string;
  /** The query parameter that selects it (`?mirroring`), if any. */
  subresource?: string;
  access: Access;
  /** Runs on an existing bucket (the dispatcher answers NoSuchBucket otherwise), or on a name. */
  run: ((ctx: ObjectApiContext, bucket: BucketRecord) => MaybePromise<void>) | { byName: (ctx: ObjectApiContext, name: string) => Promise<void> };
}

export type Operation = OperationSpec;

const OPERATIONS: OperationSpec[] = [
  { name: "ListBuckets", scope: "service", method: "GET", access: "write", run: { byName: (ctx) => listBucketsHandler(ctx) } },
  { name: "GetBucketMirroring", scope: "bucket", method: "GET", subresource: "mirroring", access: "write", run: getMirroring },
  { name: "PutBucketMirroring", scope: "bucket", method: "PUT", subresource: "mirroring", access: "write", run: putMirroring },
  { name: "DeleteBucketMirroring", scope: "bucket", method: "DELETE", subresource: "mirroring", access: "write", run: deleteMirroring },
  { name: "GetBucketAcl", scope: "bucket", method: "GET", subresource: "acl", access: "write", run: getAcl },
  { name: "PutBucketAcl", scope: "bucket", method: "PUT", subresource: "acl", access: "write", run: putAcl },
  { name: "ListObjects", scope: "bucket", method: "GET", access: "read", run: listObjectsHandler },
  { name: "HeadBucket", scope: "bucket", method: "HEAD", access: "read", run: (ctx) => headBucketHandler(ctx) },
  { name: "PutBucket", scope: "bucket", method: "PUT", access: "write", run: { byName: createBucketHandler } },
  { name: "DeleteBucket", scope: "bucket", method: "DELETE", access: "write", run: { byName: deleteBucketHandler } },
  { name: "GetObject", scope: "object", method: "GET", access: "read", run: getObject },
  { name: "HeadObject", scope: "object", method: "HEAD", access: "read", run: getObject },
  { name: "PutObject", scope: "object", method: "PUT", access: "write", run: putObject },
  { name: "DeleteObject", scope: "object", method: "DELETE", access: "write", run: deleteObject },
  { name: "ListMultipartUploads", scope: "bucket", method: "GET", subresource: "uploads", access: "write", run: listMultipartUploads },
  { name: "InitiateMultipartUpload", scope: "object", method: "POST", subresource: "uploads", access: "write", run: initiateMultipartUpload },
  { name: "UploadPart", scope: "object", method: "PUT", subresource: "uploadId", access: "write", run: uploadPart },
  { name: "CompleteMultipartUpload", scope: "object", method: "POST", subresource: "uploadId", access: "write", run: completeMultipartUpload },
  { name: "AbortMultipartUpload", scope: "object", method: "DELETE", subresource: "uploadId", access: "write", run: abortMultipartUpload },
  { name: "ListParts", scope: "object", method: "GET", subresource: "uploadId", access: "write", run: listParts },
  { name: "FetchObject", scope: "object", method: "POST", subresource: "fetch", access: "write", run: fetchObject },
];

/** The subresources of each scope, in the order they are looked for (`uploadId` before `uploads`). */
const subresourcesOf = (scope: Scope) =>
  [...new Set(OPERATIONS.flatMap((operation) => (operation.scope === scope && operation.subresource ? [operation.subresource] : [])))].sort((a, b) => (a === "uploadId" ? -1 : b === "uploadId" ? 1 : 0));
const SUBRESOURCES: Record<Scope, string[]> = { service: subresourcesOf("service"), bucket: subresourcesOf("bucket"), object: subresourcesOf("object") };

const SCOPE_LABEL: Record<Scope, string> = { service: "the bucket list", bucket: "a bucket", object: "an object" };

/** The operation a request asks for; MethodNotAllowed when there is none. */
export function resolveOperation(method: string, target: { bucket: string | null; key: string | null; query: URLSearchParams }): Operation {
  const scope: Scope = target.bucket === null ? "service" : target.key === null ? "bucket" : "object";
  const subresource = SUBRESOURCES[scope].find((name) => target.query.has(name));
  const operation = OPERATIONS.find((candidate) => candidate.scope === scope && candidate.method === method && candidate.subresource === subresource);
  if (operation) return operation;
  throw new BosError("MethodNotAllowed", `${method} is not supported on ${subresource ? `?${subresource}` : SCOPE_LABEL[scope]}.`);
}
