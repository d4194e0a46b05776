/**
 * GetObject of a missing key: the bucket's mirror rules through the same engine and the same
 * `miss()` as a BOS GET (single-flight, rule decision, redirect queue, loop guard), answered with
 * S3 headers and S3 errors. HEAD never goes back to origin.
 */
import { sendBatches } from "@/lib/http/send-batches";
import type { BucketRecord } from "@/lib/buckets/bucket-record";
import { NoSuchKey, OriginFailure, OriginNotFound } from "@/lib/domain/errors";
import { encodeOriginPath, type OriginTarget } from "@/lib/mirroring/origin-address";
import type { S3Context } from "./context";
import { responseOverrides, serveS3Object } from "./serve-object";

/** A miss whose origin has no such object is a plain NoSuchKey for the client. */
function missError(error: unknown, bucket: BucketRecord, key: string): unknown {
  return error instanceof OriginNotFound ? new NoSuchKey(bucket.name, key, error.message) : error;
}

/** Where redirect mode sends the client; a bucket origin is addressed as BOS's anonymous GET reads it. */
function redirectLocation(target: OriginTarget): string {
  if (target.kind === "url") return target.url;
  const search = target.query === "" ? "" : `?${target.query}`;
  return `/v1/${encodeURIComponent(target.bucket)}/${encodeOriginPath(target.key)}${search}`;
}

export async function backToOrigin(ctx: S3Context, bucket: BucketRecord, key: string): Promise<void> {
  const { req, res, target } = ctx;
  const overrides = responseOverrides(ctx);
  const outcome = await ctx.engine.miss(bucket, key, { rawQuery: target.rawQuery, headers: req.headers }, (error) =>
    console.warn(`[${ctx.requestId}] background fetch of ${bucket.name}/${key} failed: ${error instanceof OriginFailure ? error.detail : error.message}`),
  );
  if (outcome.kind === "redirect") {
    res.writeHead(302, { location: redirectLocation(outcome.target), "content-length": 0 });
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
    return serveS3Object(ctx, current);
  }
  const source = await flight.head.catch((error: unknown) => {
    throw missError(error, bucket, key);
  });
  res.writeHead(200, {
    "content-type": "application/octet-stream",
    ...source.httpMeta,
    ...overrides,
    ...(source.declaredSize !== null ? { "content-length": source.declaredSize } : {}),
    "x-amz-storage-class": outcome.storageClass,
    "x-mirror-source": source.sourceUrl,
  });
  // A failed or unverified fetch destroys the response: the client sees a broken transfer, never a short 200.
  // As BOS does: batches from the fetch's window, written corked (lib/http/send-batches.ts).
  await sendBatches(res, flight.readBatches()).catch(() => res.destroy());
}
