/**
 * A GET of a missing key, answered the same way by every protocol (BOS, S3): the engine's `miss()`
 * decides (redirect, or fetch); a ranged GET waits for the stored object and serves the range;
 * otherwise the body streams while it arrives. The protocol supplies how it serves a stored object
 * and the response headers of its own. A HEAD that a protocol sends here (S3's HeadObject does,
 * BOS's HEAD does not) is answered like a ranged GET: once the object is stored, from the object.
 */
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from "node:http";
import type { BucketRecord } from "@/lib/buckets/bucket-record";
import { NoSuchKey, OriginFailure, OriginNotFound } from "@/lib/domain/errors";
import type { MaybePromise } from "@/lib/maybe-promise";
import { encodeOriginPath, type OriginTarget } from "@/lib/mirroring/origin-address";
import type { ObjectRecord } from "@/lib/objects/object-meta";
import type { ObjectService } from "@/lib/objects/object-service";
import type { MirrorEngine } from "@/lib/origin/mirror-engine";
import { currentApp } from "@/lib/runtime/current-app";
import { sendBatches } from "./send-batches";

export interface MissContext {
  req: IncomingMessage;
  res: ServerResponse;
  requestId: string;
  /** The request's query string as sent (a rule may pass it to the origin). */
  rawQuery: string;
  engine: MirrorEngine;
  objects: ObjectService;
}

export interface MissProtocol {
  serveStored(object: ObjectRecord): MaybePromise<void>;
  /** Headers of a streamed mirror response besides the origin's stored ones (storage class, overrides). */
  streamHeaders(storageClass: string): OutgoingHttpHeaders;
}

/** A miss whose origin has no such object is a plain NoSuchKey for the client. */
function missError(error: unknown, bucket: BucketRecord, key: string): unknown {
  return error instanceof OriginNotFound ? new NoSuchKey(bucket.name, key, error.message) : error;
}

/** Where redirect mode sends the client; a bucket origin is addressed as an anonymous BOS GET reads it. */
function redirectLocation(target: OriginTarget): string {
  if (target.kind === "url") return target.url;
  const search = target.query === "" ? "" : `?${target.query}`;
  return `/v1/${encodeURIComponent(target.bucket)}/${encodeOriginPath(target.key)}${search}`;
}

export async function answerMiss(ctx: MissContext, bucket: BucketRecord, key: string, protocol: MissProtocol): Promise<void> {
  const { req, res } = ctx;
  // The engine logs the background fetch's outcome (with its reason); this line ties it to the request that started it.
  const outcome = await ctx.engine.miss(bucket, key, { rawQuery: ctx.rawQuery, headers: req.headers }, (error) =>
    currentApp().telemetry.logger.debug(
      { requestId: ctx.requestId, bucket: bucket.name, key, reason: error instanceof OriginFailure ? error.detail : error.message },
      "background fetch behind a redirect failed",
    ),
  );
  // Stored meanwhile (another instance's fetch committed while this one waited): like any object.
  if (outcome.kind === "stored") return protocol.serveStored(outcome.object);
  if (outcome.kind === "redirect") {
    res.writeHead(302, { location: redirectLocation(outcome.target), "content-length": 0 });
    res.end();
    return;
  }
  const { flight } = outcome;
  if (req.headers.range !== undefined || req.method === "HEAD") {
    // A range (or the headers) of a missing object: fetch the whole object (shared with other
    // misses), then serve the range (or the headers) from what was stored.
    const stored = await flight.done.catch((error: unknown) => {
      throw missError(error, bucket, key);
    });
    // null: a client's newer write (or delete) of the key won over the origin copy.
    const current = stored ?? (await ctx.objects.find(bucket.id, key));
    if (!current) throw new NoSuchKey(bucket.name, key, "it was deleted while it was being fetched from origin");
    return protocol.serveStored(current);
  }
  const source = await flight.head.catch((error: unknown) => {
    throw missError(error, bucket, key);
  });
  res.writeHead(200, {
    "content-type": "application/octet-stream",
    ...source.httpMeta,
    ...protocol.streamHeaders(outcome.storageClass),
    ...(source.declaredSize !== null ? { "content-length": source.declaredSize } : {}),
    "x-mirror-source": source.sourceUrl,
  });
  // A failed or unverified fetch destroys the response: the client sees a broken transfer, never a
  // short 200. Batches from the fetch's window, each written corked.
  await sendBatches(res, flight.readBatches()).catch(() => res.destroy());
}
