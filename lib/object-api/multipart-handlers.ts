/**
 * BOS multipart uploads over the same MultipartService as S3's: InitiateMultipartUpload
 * (`POST ?uploads`), UploadPart (`PUT ?partNumber=&uploadId=`), CompleteMultipartUpload
 * (`POST ?uploadId=`, a JSON part list), AbortMultipartUpload (`DELETE ?uploadId=`), ListParts
 * (`GET ?uploadId=`) and ListMultipartUploads (`GET /{bucket}?uploads`), with BOS's JSON bodies
 * and errors. Parts stream to blobs through the same checks as PutObject (length, Content-MD5).
 */
import type { BucketRecord } from "@/lib/buckets/bucket-record";
import { MAX_LISTED, parseListCount, parsePartNumber, rollUpUploads } from "@/lib/objects/multipart-params";
import { MAX_PART_NUMBER, type ListedPart, type MultipartUploadRecord } from "@/lib/objects/multipart-service";
import { pickStoredHeaders, pickUserMeta } from "@/lib/objects/object-meta";
import { BosError, sendJson } from "./bos-error";
import { OWNER } from "./bucket-handlers";
import type { ObjectApiContext } from "./context";
import { readJsonBody } from "./json-body";
import { declaredLength, expectedMd5, requireKey, storageClassFor } from "./object-handlers";

/** A part list of 10,000 entries is about 600 KB of JSON. */
const MAX_PART_LIST_BYTES = 2 * 1024 * 1024;

function uploadIdOf(ctx: ObjectApiContext): string {
  const uploadId = ctx.target.query.get("uploadId");
  if (!uploadId) throw new BosError("InvalidArgument", "uploadId must name a multipart upload.");
  return uploadId;
}

function currentUpload(ctx: ObjectApiContext, bucket: BucketRecord): Promise<MultipartUploadRecord> {
  return ctx.multipart.find(bucket.id, requireKey(ctx.target.key), uploadIdOf(ctx));
}

function partNumberOf(value: unknown): number {
  const number = parsePartNumber(value);
  if (number === null) throw new BosError("InvalidArgument", `partNumber must be a whole number from 1 to ${MAX_PART_NUMBER}.`);
  return number;
}

/** A whole-number query parameter from `min`, capped at 1,000; `fallback` when absent. */
function countParam(ctx: ObjectApiContext, name: string, min: number, fallback: number): number {
  const count = parseListCount(ctx.target.query.get(name), min, fallback);
  if (count === null) throw new BosError("InvalidArgument", `${name} must be a whole number from ${min} to ${MAX_LISTED}.`);
  return count;
}

export async function initiateMultipartUpload(ctx: ObjectApiContext, bucket: BucketRecord): Promise<void> {
  const key = requireKey(ctx.target.key);
  const upload = await ctx.multipart.create({
    bucketId: bucket.id,
    key,
    storageClass: storageClassFor(ctx, bucket),
    httpMeta: pickStoredHeaders(ctx.req.headers),
    userMeta: pickUserMeta(ctx.req.headers),
  });
  sendJson(ctx.res, 200, { bucket: bucket.name, key, uploadId: upload.uploadId });
}

export async function uploadPart(ctx: ObjectApiContext, bucket: BucketRecord): Promise<void> {
  const partNumber = partNumberOf(ctx.target.query.get("partNumber"));
  const upload = await currentUpload(ctx, bucket);
  const part = await ctx.multipart.uploadPart(upload, partNumber, ctx.req, { size: declaredLength(ctx), md5: expectedMd5(ctx.req.headers["content-md5"]) });
  ctx.res.writeHead(200, { etag: `"${part.etag}"`, "content-length": 0 });
  ctx.res.end();
}

/** `{"parts": [{"partNumber": 1, "eTag": "…"}, …]}`; the SDK's documented `PartNumber`/`ETag` spelling too. */
function partList(body: unknown): ListedPart[] {
  const parts = body && typeof body === "object" && !Array.isArray(body) ? (body as { parts?: unknown }).parts : undefined;
  if (!Array.isArray(parts) || parts.length === 0) throw new BosError("InvalidArgument", 'The body must list the parts: {"parts": [{"partNumber": 1, "eTag": "..."}]}.');
  return parts.map((part: unknown, index) => {
    const entry = (part && typeof part === "object" ? part : {}) as Record<string, unknown>;
    const etag = entry.eTag ?? entry.ETag;
    if (typeof etag !== "string") throw new BosError("InvalidArgument", `parts[${index}] needs an eTag.`);
    return { partNumber: partNumberOf(entry.partNumber ?? entry.PartNumber), etag };
  });
}

export async function completeMultipartUpload(ctx: ObjectApiContext, bucket: BucketRecord): Promise<void> {
  const upload = await currentUpload(ctx, bucket);
  const listed = partList(await readJsonBody(ctx.req, MAX_PART_LIST_BYTES, "The part list"));
  const record = await ctx.multipart.complete(upload, listed);
  const location = `/v1/${encodeURIComponent(bucket.name)}/${record.key.split("/").map(encodeURIComponent).join("/")}`;
  sendJson(ctx.res, 200, { location, bucket: bucket.name, key: record.key, eTag: record.etag });
}

export async function abortMultipartUpload(ctx: ObjectApiContext, bucket: BucketRecord): Promise<void> {
  await ctx.multipart.abort(await currentUpload(ctx, bucket));
  ctx.res.writeHead(204);
  ctx.res.end();
}

export async function listParts(ctx: ObjectApiContext, bucket: BucketRecord): Promise<void> {
  const upload = await currentUpload(ctx, bucket);
  const marker = countParam(ctx, "partNumberMarker", 0, 0);
  const maxParts = countParam(ctx, "maxParts", 1, MAX_LISTED);
  const { parts, isTruncated } = await ctx.multipart.listParts(upload, marker, maxParts);
  sendJson(ctx.res, 200, {
    bucket: bucket.name,
    key: upload.key,
    uploadId: upload.uploadId,
    initiated: upload.createdAt.toISOString(),
    owner: OWNER,
    storageClass: upload.storageClass,
    partNumberMarker: marker,
    nextPartNumberMarker: parts.length > 0 ? parts[parts.length - 1]!.partNumber : marker,
    maxParts,
    isTruncated,
    parts: parts.map((part) => ({ partNumber: part.partNumber, lastModified: part.lastModified.toISOString(), eTag: part.etag, size: part.size })),
  });
}

export async function listMultipartUploads(ctx: ObjectApiContext, bucket: BucketRecord): Promise<void> {
  const { query } = ctx.target;
  const prefix = query.get("prefix") ?? "";
  const delimiter = query.get("delimiter") ?? "";
  const keyMarker = query.get("keyMarker") ?? "";
  const maxUploads = countParam(ctx, "maxUploads", 1, MAX_LISTED);
  const found = await ctx.multipart.listUploads(bucket.id, { prefix, keyMarker, uploadIdMarker: "", maxUploads });
  const { uploads, commonPrefixes } = rollUpUploads(found.uploads, prefix, delimiter);
  const last = found.uploads[found.uploads.length - 1];
  sendJson(ctx.res, 200, {
    bucket: bucket.name,
    prefix,
    delimiter,
    keyMarker,
    maxUploads,
    isTruncated: found.isTruncated,
    ...(found.isTruncated && last ? { nextKeyMarker: last.key } : {}),
    uploads: uploads.map((upload) => ({ key: upload.key, uploadId: upload.uploadId, owner: OWNER, initiated: upload.createdAt.toISOString(), storageClass: upload.storageClass })),
    commonPrefixes: commonPrefixes.map((common) => ({ prefix: common })),
  });
}
