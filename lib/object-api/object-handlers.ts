/** GET, HEAD, PUT and DELETE of one object; a GET that finds nothing goes back to origin. */
import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { findBucketRecord, type BucketRecord } from "@/lib/buckets/bucket-service";
import { isStorageClassAllowed } from "@/lib/buckets/storage-class";
import { env } from "@/lib/env";
import { computeOriginAddress, encodeOriginPath, type OriginTarget } from "@/lib/mirroring/origin-address";
import { listRulesForBucketId } from "@/lib/mirroring/rule-service";
import { findMatchingRule } from "@/lib/mirroring/rule-set";
import { objectKeyProblem } from "@/lib/objects/object-key";
import { contentMd5Hex, pickStoredHeaders, pickUserMeta } from "@/lib/objects/object-meta";
import { blobStore, commitObject, deleteObject, findObject } from "@/lib/objects/object-store";
import { UnsafeOriginPath } from "@/lib/origin/mirror-engine";
import { OriginNotFound } from "@/lib/origin/mirror-fetch";
import { MIRROR_HOP_HEADER, OriginFailure } from "@/lib/origin/origin-client";
import { BosError } from "./bos-error";
import type { ObjectApiContext } from "./context";
import { serveObject } from "./serve-object";

export async function requireBucket(name: string): Promise<BucketRecord> {
  const bucket = await findBucketRecord(name);
  if (!bucket) throw new BosError("NoSuchBucket", `There is no bucket named ${name}.`);
  return bucket;
}

function requireKey(key: string): string {
  const problem = objectKeyProblem(key);
  if (problem) throw new BosError("InvalidObjectName", problem);
  return key;
}

export async function getObject(ctx: ObjectApiContext, bucketName: string, rawKey: string): Promise<void> {
  const key = requireKey(rawKey);
  const bucket = await requireBucket(bucketName);
  const object = await findObject(bucket.id, key);
  if (object) return serveObject(ctx.req, ctx.res, object);
  // Back-to-origin runs only for GET of a missing object, never for HEAD.
  if (ctx.req.method !== "GET") throw new BosError("NoSuchKey", `${key} does not exist in ${bucket.name}.`);
  if (ctx.req.headers[MIRROR_HOP_HEADER] !== undefined) {
    throw new BosError("LoopDetected", `${key} does not exist in ${bucket.name}, and this request came from a back-to-origin fetch, so it does not go back to origin again (a rule's origin points at this service).`);
  }
  return backToOrigin(ctx, bucket, key);
}

function fetchError(error: unknown, bucket: BucketRecord, key: string): Error {
  if (error instanceof UnsafeOriginPath) return new BosError("InvalidObjectName", error.message);
  if (error instanceof OriginNotFound) return new BosError("NoSuchKey", `${key} does not exist in ${bucket.name}, and ${error.message}.`);
  if (error instanceof OriginFailure) return new BosError("MirrorFailed", `Back-to-origin failed: ${error.message}.`, error.detail);
  return error as Error;
}

function redirectLocation(target: OriginTarget): string {
  if (target.kind === "url") return target.url;
  const search = target.query === "" ? "" : `?${target.query}`;
  return `/v1/${encodeURIComponent(target.bucket)}/${encodeOriginPath(target.key)}${search}`;
}

async function backToOrigin(ctx: ObjectApiContext, bucket: BucketRecord, key: string): Promise<void> {
  const { req, res, target, engine } = ctx;
  const rule = findMatchingRule(await listRulesForBucketId(bucket.id), key);
  if (!rule) throw new BosError("NoSuchKey", `${key} does not exist in ${bucket.name}, and no mirror rule matches it.`);
  const miss = { rawQuery: target.rawQuery, headers: req.headers };

  if (rule.mode === "redirect") {
    const location = computeOriginAddress(rule, key, target.rawQuery);
    if (location.refusal) throw new BosError("InvalidObjectName", location.refusal);
    // Past the queue's capacity this fetches nothing (counted in engine.backgroundStats): the client has its redirect.
    engine.fetchInBackground(bucket, key, rule, miss, (error) =>
      console.warn(`[${ctx.requestId}] background fetch of ${bucket.name}/${key} failed: ${error instanceof OriginFailure ? error.detail : error.message}`),
    );
    res.writeHead(302, { location: redirectLocation(location.primary) });
    res.end();
    return;
  }

  let flight;
  try {
    flight = engine.fetch(bucket, key, rule, miss);
  } catch (error) {
    throw fetchError(error, bucket, key);
  }
  if (req.headers.range !== undefined) {
    // A range of a missing object: fetch the whole object (shared with other misses), then serve the range.
    const stored = await flight.done.catch((error: unknown) => {
      throw fetchError(error, bucket, key);
    });
    // null: a client's newer write (or delete) of the key won over the origin copy.
    const current = stored ?? (await findObject(bucket.id, key));
    if (!current) throw new BosError("NoSuchKey", `${key} was deleted while it was being fetched from origin.`);
    return serveObject(req, res, current);
  }
  const source = await flight.head.catch((error: unknown) => {
    throw fetchError(error, bucket, key);
  });
  res.writeHead(200, {
    "content-type": "application/octet-stream",
    ...source.httpMeta,
    ...(source.declaredSize !== null ? { "content-length": source.declaredSize } : {}),
    "x-bce-storage-class": rule.storageClass,
    "x-mirror-source": source.sourceUrl,
  });
  // A failed or unverified fetch destroys the response: the client sees a broken transfer, never a short 200.
  await pipeline(Readable.from(flight.read()), res).catch(() => res.destroy());
}

function expectedMd5(header: string | string[] | undefined): string | null {
  if (header === undefined) return null;
  const md5 = contentMd5Hex(Array.isArray(header) ? header[0]! : header);
  if (md5 === "invalid") throw new BosError("BadDigest", "Content-MD5 is not the base64 of a 16-byte MD5.");
  return md5;
}

export async function putObject(ctx: ObjectApiContext, bucketName: string, rawKey: string): Promise<void> {
  const { req, res } = ctx;
  const key = requireKey(rawKey);
  const bucket = await requireBucket(bucketName);
  const maxSize = env().maxObjectSize;
  const declared = req.headers["content-length"] === undefined ? null : Number(req.headers["content-length"]);
  if (declared !== null && declared > maxSize) throw new BosError("EntityTooLarge", `The object is larger than the ${maxSize}-byte limit.`);
  const md5Expected = expectedMd5(req.headers["content-md5"]);
  const storageClassHeader = req.headers["x-bce-storage-class"];
  const storageClass = typeof storageClassHeader === "string" ? storageClassHeader : bucket.defaultStorageClass;
  if (!isStorageClassAllowed(bucket.zoneType, storageClass)) {
    throw new BosError("InvalidArgument", `Storage class ${storageClass} is not available in bucket ${bucket.name}.`);
  }

  const temp = await blobStore().createTemp();
  let committed = false;
  try {
    const hash = createHash("md5");
    let written = 0;
    for await (const chunk of req as AsyncIterable<Buffer>) {
      if (written + chunk.length > maxSize) throw new BosError("EntityTooLarge", `The object is larger than the ${maxSize}-byte limit.`);
      await temp.handle.write(chunk, 0, chunk.length, written);
      hash.update(chunk);
      written += chunk.length;
    }
    if (declared !== null && written !== declared) throw new BosError("IncompleteBody", `Received ${written} of ${declared} bytes.`);
    const etag = hash.digest("hex");
    if (md5Expected !== null && md5Expected !== etag) throw new BosError("BadDigest", "The Content-MD5 you sent does not match the body.");
    await commitObject(temp, {
      bucketId: bucket.id,
      key,
      size: written,
      etag,
      storageClass,
      httpMeta: pickStoredHeaders(req.headers),
      userMeta: pickUserMeta(req.headers),
      sourceUrl: null,
    });
    committed = true;
    res.writeHead(200, { etag: `"${etag}"`, "content-length": 0 });
    res.end();
  } finally {
    await temp.handle.close().catch(() => undefined);
    if (!committed) await blobStore().removeTemp(temp.path);
  }
}

export async function deleteObjectHandler(ctx: ObjectApiContext, bucketName: string, rawKey: string): Promise<void> {
  const key = requireKey(rawKey);
  const bucket = await requireBucket(bucketName);
  if (!(await deleteObject(bucket.id, key))) throw new BosError("NoSuchKey", `${key} does not exist in ${bucket.name}.`);
  ctx.res.writeHead(204);
  ctx.res.end();
}
