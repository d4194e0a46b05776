/** GetObject, HeadObject, PutObject and DeleteObject; a GET that finds nothing goes back to origin. */
import type { BucketRecord } from "@/lib/buckets/bucket-record";
import { isStorageClassAllowed } from "@/lib/buckets/storage-class";
import { InvalidObjectName, NoSuchKey } from "@/lib/domain/errors";
import { answerMiss } from "@/lib/http/answer-miss";
import { andThen, type MaybePromise } from "@/lib/maybe-promise";
import { objectKeyProblem } from "@/lib/objects/object-key";
import { contentMd5Hex, pickStoredHeaders, pickUserMeta } from "@/lib/objects/object-meta";
import { BosError } from "./bos-error";
import type { ObjectApiContext } from "./context";
import { serveObject } from "./serve-object";

export function requireKey(key: string | null): string {
  const problem = objectKeyProblem(key ?? "");
  if (problem) throw new InvalidObjectName(problem);
  return key!;
}

/** At once for a cached row and bytes (lib/maybe-promise.ts). */
export function getObject(ctx: ObjectApiContext, bucket: BucketRecord): MaybePromise<void> {
  const key = requireKey(ctx.target.key);
  return andThen(ctx.objects.find(bucket.id, key), (object) => {
    if (object) return serveObject(ctx, object);
    // Back-to-origin runs only for GET of a missing object, never for HEAD.
    if (ctx.req.method !== "GET") throw new NoSuchKey(bucket.name, key);
    return backToOrigin(ctx, bucket, key);
  });
}

function backToOrigin(ctx: ObjectApiContext, bucket: BucketRecord, key: string): Promise<void> {
  return answerMiss({ ...ctx, rawQuery: ctx.target.rawQuery }, bucket, key, {
    serveStored: (object) => serveObject(ctx, object),
    streamHeaders: (storageClass) => ({ "x-bce-storage-class": storageClass }),
  });
}

/** x-bce-storage-class, if sent, must be one of the bucket's zone's classes; else the bucket's default. */
export function storageClassFor(ctx: ObjectApiContext, bucket: BucketRecord): string {
  const header = ctx.req.headers["x-bce-storage-class"];
  const storageClass = typeof header === "string" ? header : bucket.defaultStorageClass;
  if (!isStorageClassAllowed(bucket.zoneType, storageClass)) {
    throw new BosError("InvalidArgument", `Storage class ${storageClass} is not available in bucket ${bucket.name}.`);
  }
  return storageClass;
}

/** The declared Content-Length; InvalidArgument when it is not a whole number. */
export function declaredLength(ctx: ObjectApiContext): number | null {
  const header = ctx.req.headers["content-length"];
  if (header === undefined) return null;
  if (!/^\d{1,15}$/.test(header)) throw new BosError("InvalidArgument", "Content-Length must be a whole number of bytes.");
  return Number(header);
}

export function expectedMd5(header: string | string[] | undefined): string | null {
  if (header === undefined) return null;
  const md5 = contentMd5Hex(Array.isArray(header) ? header[0]! : header);
  if (md5 === "invalid") throw new BosError("BadDigest", "Content-MD5 is not the base64 of a 16-byte MD5.");
  return md5;
}

export async function putObject(ctx: ObjectApiContext, bucket: BucketRecord): Promise<void> {
  const { req, res } = ctx;
  const key = requireKey(ctx.target.key);
  const declared = declaredLength(ctx);
  const md5 = expectedMd5(req.headers["content-md5"]);
  const storageClass = storageClassFor(ctx, bucket);
  const stored = await ctx.objects.put(
    { bucketId: bucket.id, key, storageClass, httpMeta: pickStoredHeaders(req.headers), userMeta: pickUserMeta(req.headers), sourceUrl: null },
    req,
    { size: declared, md5 },
  );
  res.writeHead(200, { etag: `"${stored.etag}"`, "content-length": 0 });
  res.end();
}

export async function deleteObject(ctx: ObjectApiContext, bucket: BucketRecord): Promise<void> {
  const key = requireKey(ctx.target.key);
  if (!(await ctx.objects.delete(bucket.id, key))) throw new NoSuchKey(bucket.name, key);
  ctx.res.writeHead(204);
  ctx.res.end();
}
