/** GetObject, HeadObject, PutObject and DeleteObject; a GET that finds nothing goes back to origin. */
import type { BucketRecord } from "@/lib/buckets/bucket-record";
import { isStorageClassAllowed } from "@/lib/buckets/storage-class";
import { InvalidObjectName, NoSuchKey, OriginFailure, OriginNotFound } from "@/lib/domain/errors";
import { encodeOriginPath, type OriginTarget } from "@/lib/mirroring/origin-address";
import { objectKeyProblem } from "@/lib/objects/object-key";
import { sendBatches } from "@/lib/http/send-batches";
import { contentMd5Hex, pickStoredHeaders, pickUserMeta } from "@/lib/objects/object-meta";
import { BosError } from "./bos-error";
import type { ObjectApiContext } from "./context";
import { serveObject } from "./serve-object";

function requireKey(key: string | null): string {
  const problem = objectKeyProblem(key ?? "");
  if (problem) throw new InvalidObjectName(problem);
  return key!;
}

export async function getObject(ctx: ObjectApiContext, bucket: BucketRecord): Promise<void> {
  const key = requireKey(ctx.target.key);
  const object = await ctx.objects.find(bucket.id, key);
  if (object) return serveObject(ctx, object);
  // Back-to-origin runs only for GET of a missing object, never for HEAD.
  if (ctx.req.method !== "GET") throw new NoSuchKey(bucket.name, key);
  return backToOrigin(ctx, bucket, key);
}

/** A miss whose origin has no such object is a plain NoSuchKey for the client. */
function missError(error: unknown, bucket: BucketRecord, key: string): unknown {
  return error instanceof OriginNotFound ? new NoSuchKey(bucket.name, key, error.message) : error;
}

function redirectLocation(target: OriginTarget): string {
  if (target.kind === "url") return target.url;
  const search = target.query === "" ? "" : `?${target.query}`;
  return `/v1/${encodeURIComponent(target.bucket)}/${encodeOriginPath(target.key)}${search}`;
}

async function backToOrigin(ctx: ObjectApiContext, bucket: BucketRecord, key: string): Promise<void> {
  const { req, res, target } = ctx;
  const outcome = await ctx.engine.miss(bucket, key, { rawQuery: target.rawQuery, headers: req.headers }, (error) =>
    console.warn(`[${ctx.requestId}] background fetch of ${bucket.name}/${key} failed: ${error instanceof OriginFailure ? error.detail : error.message}`),
  );
  if (outcome.kind === "redirect") {
    res.writeHead(302, { location: redirectLocation(outcome.target) });
    res.end();
    return;
  }
  const { flight } = outcome;
  if (req.headers.range !== undefined) {
    // A range of a missing object: fetch the whole object (shared with other misses), then serve the range.
    const stored = await flight.done.catch((error: unknown) => {
      throw missError(error, bucket, key);
    });
    // null: a client's newer write (or delete) of the key won over the origin copy.
    const current = stored ?? (await ctx.objects.find(bucket.id, key));
    if (!current) throw new NoSuchKey(bucket.name, key, "it was deleted while it was being fetched from origin");
    return serveObject(ctx, current);
  }
  const source = await flight.head.catch((error: unknown) => {
    throw missError(error, bucket, key);
  });
  res.writeHead(200, {
    "content-type": "application/octet-stream",
    ...source.httpMeta,
    ...(source.declaredSize !== null ? { "content-length": source.declaredSize } : {}),
    "x-bce-storage-class": outcome.storageClass,
    "x-mirror-source": source.sourceUrl,
  });
  // A failed or unverified fetch destroys the response: the client sees a broken transfer, never a short 200.
  // Batches of chunks, each one corked writev to the socket.
  await sendBatches(res, flight.readBatches()).catch(() => res.destroy());
}

function expectedMd5(header: string | string[] | undefined): string | null {
  if (header === undefined) return null;
  const md5 = contentMd5Hex(Array.isArray(header) ? header[0]! : header);
  if (md5 === "invalid") throw new BosError("BadDigest", "Content-MD5 is not the base64 of a 16-byte MD5.");
  return md5;
}

export async function putObject(ctx: ObjectApiContext, bucket: BucketRecord): Promise<void> {
  const { req, res } = ctx;
  const key = requireKey(ctx.target.key);
  const declared = req.headers["content-length"] === undefined ? null : Number(req.headers["content-length"]);
  const md5 = expectedMd5(req.headers["content-md5"]);
  const storageClassHeader = req.headers["x-bce-storage-class"];
  const storageClass = typeof storageClassHeader === "string" ? storageClassHeader : bucket.defaultStorageClass;
  if (!isStorageClassAllowed(bucket.zoneType, storageClass)) {
    throw new BosError("InvalidArgument", `Storage class ${storageClass} is not available in bucket ${bucket.name}.`);
  }
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
