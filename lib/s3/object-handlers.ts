/**
 * PutObject, GetObject, HeadObject, DeleteObject, CopyObject and DeleteObjects over the object
 * service. A GetObject that finds nothing goes back to origin exactly as a BOS GET does.
 */
import type { BucketRecord } from "@/lib/buckets/bucket-record";
import { findBucketRecord } from "@/lib/buckets/bucket-service";
import { isStorageClassAllowed } from "@/lib/buckets/storage-class";
import { InvalidObjectName, NoSuchBucket, NoSuchKey } from "@/lib/domain/errors";
import { andThen, type MaybePromise } from "@/lib/maybe-promise";
import { objectKeyProblem } from "@/lib/objects/object-key";
import { contentMd5Of, type ObjectRecord } from "@/lib/objects/object-meta";
import { backToOrigin } from "./back-to-origin";
import { contentMd5, declaredSize, readXmlRequest, requestBody } from "./body";
import type { S3Context } from "./context";
import { storedHeadersFromS3, userMetaFromS3 } from "./metadata";
import { sendXml } from "./respond";
import { S3Error, toS3Error } from "./s3-error";
import { evaluatePreconditions, serveS3Object } from "./serve-object";
import { storedChecksums } from "./stored-checksums";
import { buildXml, childText, children, type XmlNode } from "./xml";

export function requireKey(key: string | null): string {
  const problem = objectKeyProblem(key ?? "");
  if (problem) throw new InvalidObjectName(problem);
  return key!;
}

/** x-amz-storage-class, if sent, must be one of the bucket's zone's classes; else the bucket's default. */
export function storageClassFor(ctx: S3Context, bucket: BucketRecord): string {
  const header = ctx.req.headers["x-amz-storage-class"];
  if (header === undefined) return bucket.defaultStorageClass;
  if (typeof header !== "string" || !isStorageClassAllowed(bucket.zoneType, header)) {
    throw new S3Error("InvalidStorageClass", `The storage class ${String(header)} is not available in bucket ${bucket.name}.`);
  }
  return header;
}

/** At once for a cached row and bytes (lib/maybe-promise.ts). */
export function getObject(ctx: S3Context, bucket: BucketRecord): MaybePromise<void> {
  const key = requireKey(ctx.target.key);
  return andThen(ctx.objects.find(bucket.id, key), (object) => {
    if (object) return serveS3Object(ctx, object);
    // GetObject and HeadObject of a missing key both go back to origin: S3 clients HEAD before they
    // download (aws s3 cp, rclone, s3cmd, boto3's download_file), so a HEAD that answered 404 would
    // hide every key a rule covers from them (README, "S3-compatible API").
    return backToOrigin(ctx, bucket, key);
  });
}

export async function putObject(ctx: S3Context, bucket: BucketRecord): Promise<void> {
  const { req, res } = ctx;
  const key = requireKey(ctx.target.key);
  const size = declaredSize(ctx);
  const md5 = contentMd5(req.headers);
  const storageClass = storageClassFor(ctx, bucket);
  if (size !== null && size > ctx.objects.maxObjectSize) {
    throw new S3Error("EntityTooLarge", `Your proposed upload exceeds the maximum allowed object size of ${ctx.objects.maxObjectSize} bytes.`);
  }
  const body = requestBody(ctx);
  const stored = await ctx.objects.put(
    { bucketId: bucket.id, key, storageClass, httpMeta: storedHeadersFromS3(req.headers), userMeta: userMetaFromS3(req.headers), sourceUrl: null },
    body.bytes,
    { size, md5 },
    { checksums: () => storedChecksums(body.checksums()) },
  );
  res.writeHead(200, { etag: `"${stored.etag}"`, ...body.checksums(), "content-length": 0 });
  res.end();
}

export async function deleteObject(ctx: S3Context, bucket: BucketRecord): Promise<void> {
  const key = requireKey(ctx.target.key);
  // S3 answers 204 whether or not the key existed.
  await ctx.objects.delete(bucket.id, key);
  ctx.res.writeHead(204);
  ctx.res.end();
}

/** `x-amz-copy-source`: `bucket/key` or `/bucket/key`, percent-encoded, maybe with `?versionId=`. */
function copySource(header: string | string[] | undefined): { bucket: string; key: string } {
  if (typeof header !== "string" || header === "") throw new S3Error("InvalidArgument", "x-amz-copy-source must name the source as bucket/key.");
  const mark = header.indexOf("?");
  const path = (mark < 0 ? header : header.slice(0, mark)).replace(/^\//, "");
  if (mark >= 0) {
    const version = new URLSearchParams(header.slice(mark + 1)).get("versionId");
    if (version !== null && version !== "null") throw new S3Error("NotImplemented", "Versioning is not supported: copy the current version.");
  }
  const slash = path.indexOf("/");
  if (slash <= 0 || slash === path.length - 1) throw new S3Error("InvalidArgument", "x-amz-copy-source must name the source as bucket/key.");
  try {
    return { bucket: decodeURIComponent(path.slice(0, slash)), key: decodeURIComponent(path.slice(slash + 1)) };
  } catch {
    throw new S3Error("InvalidArgument", "x-amz-copy-source is not valid percent-encoded UTF-8.");
  }
}

async function* bytesOf(ctx: S3Context, object: ObjectRecord, start: number, end: number): AsyncGenerator<Buffer> {
  if (end < start) return;
  const content = await ctx.objects.read(object, start, end);
  if (Buffer.isBuffer(content)) yield content;
  else yield* content as AsyncIterable<Buffer>;
}

const COPY_CONDITIONS = {
  ifMatch: "x-amz-copy-source-if-match",
  ifUnmodifiedSince: "x-amz-copy-source-if-unmodified-since",
  ifNoneMatch: "x-amz-copy-source-if-none-match",
  ifModifiedSince: "x-amz-copy-source-if-modified-since",
};

export interface CopySource {
  bucket: BucketRecord;
  object: ObjectRecord;
  bytes: AsyncIterable<Buffer>;
  size: number;
  /** The MD5 the copy must have (the source's, for a whole-object copy whose ETag is an MD5). */
  md5: string | null;
}

/**
 * The object `x-amz-copy-source` names, checked against its x-amz-copy-source-if-* conditions, and
 * its bytes (all of them, or the `x-amz-copy-source-range` of UploadPartCopy).
 */
export async function copySourceBytes(ctx: S3Context, bucket: BucketRecord, rangeHeader?: string | string[]): Promise<CopySource> {
  const from = copySource(ctx.req.headers["x-amz-copy-source"]);
  const sourceBucket = from.bucket === bucket.name ? bucket : await findBucketRecord(from.bucket);
  if (!sourceBucket) throw new NoSuchBucket(from.bucket);
  const object = await ctx.objects.find(sourceBucket.id, requireKey(from.key));
  if (!object) throw new NoSuchKey(sourceBucket.name, from.key);
  if (evaluatePreconditions(ctx.req.headers, object, COPY_CONDITIONS) !== "ok") {
    throw new S3Error("PreconditionFailed", "At least one of the x-amz-copy-source-if-* conditions you specified did not hold.");
  }
  if (rangeHeader === undefined) return { bucket: sourceBucket, object, bytes: bytesOf(ctx, object, 0, object.size - 1), size: object.size, md5: contentMd5Of(object) };
  const match = typeof rangeHeader === "string" ? rangeHeader.trim().match(/^bytes=(\d+)-(\d+)$/) : null;
  if (!match) throw new S3Error("InvalidArgument", "x-amz-copy-source-range must be bytes=first-last.");
  const start = Number(match[1]);
  const end = Number(match[2]);
  if (end < start || end >= object.size) {
    throw new S3Error("InvalidRange", `The range ${rangeHeader} is outside the source object (bytes */${object.size}).`, { fields: { ActualObjectSize: String(object.size) } });
  }
  return { bucket: sourceBucket, object, bytes: bytesOf(ctx, object, start, end), size: end - start + 1, md5: null };
}

export async function copyObject(ctx: S3Context, bucket: BucketRecord): Promise<void> {
  const { req } = ctx;
  const key = requireKey(ctx.target.key);
  const directive = (req.headers["x-amz-metadata-directive"] as string | undefined) ?? "COPY";
  if (directive !== "COPY" && directive !== "REPLACE") throw new S3Error("InvalidArgument", "x-amz-metadata-directive must be COPY or REPLACE.");
  const { bucket: sourceBucket, object: source, bytes, md5 } = await copySourceBytes(ctx, bucket);
  const storageClass = storageClassFor(ctx, bucket);
  if (sourceBucket.id === bucket.id && source.key === key && directive === "COPY" && req.headers["x-amz-storage-class"] === undefined) {
    throw new S3Error(
      "InvalidRequest",
      "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.",
    );
  }
  const replace = directive === "REPLACE";
  const stored = await ctx.objects.put(
    {
      bucketId: bucket.id,
      key,
      storageClass,
      httpMeta: replace ? storedHeadersFromS3(req.headers) : source.httpMeta,
      userMeta: replace ? userMetaFromS3(req.headers) : source.userMeta,
      sourceUrl: null,
      // The same bytes: the source's checksums hold for the copy.
      checksums: source.checksums,
    },
    bytes,
    // The copy is checked against the source's size and MD5 (when its ETag is one) before it is committed.
    { size: source.size, md5 },
  );
  const xml = buildXml("CopyObjectResult", { LastModified: stored.lastModified.toISOString(), ETag: `"${stored.etag}"` });
  sendXml(ctx.res, 200, xml);
}

const MAX_DELETE_KEYS = 1000;

export async function deleteObjects(ctx: S3Context, bucket: BucketRecord): Promise<void> {
  const request = await readXmlRequest(ctx, "Delete");
  if (!request) throw new S3Error("MalformedXML", "Send a Delete document listing the objects to delete.");
  const quiet = childText(request, "Quiet")?.trim() === "true";
  const objects = children(request, "Object");
  if (objects.length === 0) throw new S3Error("MalformedXML", "The Delete document lists no Object.");
  if (objects.length > MAX_DELETE_KEYS) throw new S3Error("MalformedXML", `A Delete document lists at most ${MAX_DELETE_KEYS} objects.`);
  const keys = objects.map((object) => {
    const key = object && typeof object === "object" && !Array.isArray(object) ? childText(object as XmlNode, "Key") : undefined;
    if (key === undefined) throw new S3Error("MalformedXML", "Each Object needs a Key.");
    return key;
  });
  const deleted: XmlNode[] = [];
  const errors: XmlNode[] = [];
  for (const key of keys) {
    try {
      await ctx.objects.delete(bucket.id, requireKey(key));
      if (!quiet) deleted.push({ Key: key });
    } catch (error) {
      const failure = toS3Error(error, ctx.requestId);
      errors.push({ Key: key, Code: failure.code, Message: failure.message });
    }
  }
  sendXml(ctx.res, 200, buildXml("DeleteResult", { Deleted: deleted, Error: errors }));
}
