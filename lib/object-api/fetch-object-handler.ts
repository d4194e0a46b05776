/**
 * BOS FetchObject: `POST /v1/{bucket}/{key}?fetch` with `x-bce-fetch-source` (a URL) and
 * `x-bce-fetch-mode` (`sync`, the default, or `async`), each also accepted in the query string, and
 * an optional `x-bce-storage-class`. The URL is fetched by the back-to-origin engine: the same
 * SSRF-guarded client, verification and commit as a mirror pull, replacing a stored object (a
 * client's write during the fetch still wins). Answers `{ code, message, requestId, jobId }` as BOS
 * does; `jobId` is empty in sync mode. A sync fetch past the origin's queue (ORIGIN_MAX_QUEUED) gets
 * 503 SlowDown with Retry-After. An async fetch is recorded as a job before the answer (lib/origin/
 * async-fetches.ts), waits for its turn, and survives a restart or the loss of its instance; its
 * outcome is logged and counted like every pull.
 */
import type { BucketRecord } from "@/lib/buckets/bucket-record";
import { isStorageClassAllowed } from "@/lib/buckets/storage-class";
import type { PullOutcome } from "@/lib/origin/mirror-engine";
import { BosError, sendJson } from "./bos-error";
import type { ObjectApiContext } from "./context";
import { requireKey } from "./object-handlers";

export const MAX_FETCH_SOURCE_LENGTH = 4096;

/** A FetchObject parameter from its header or, as BOS allows, the query string. */
function parameter(ctx: ObjectApiContext, name: string): string | null {
  const header = ctx.req.headers[name];
  if (typeof header === "string") return header;
  return ctx.target.query.get(name);
}

function fetchSource(value: string | null): string {
  if (value === null || value === "") throw new BosError("InvalidArgument", "x-bce-fetch-source is required: the http(s) URL to fetch.");
  if (value.length > MAX_FETCH_SOURCE_LENGTH) throw new BosError("InvalidArgument", `x-bce-fetch-source is longer than ${MAX_FETCH_SOURCE_LENGTH} characters.`);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new BosError("InvalidArgument", "x-bce-fetch-source is not a URL.");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new BosError("InvalidArgument", "x-bce-fetch-source must be an http or https URL.");
  if (url.username !== "" || url.password !== "") throw new BosError("InvalidArgument", "x-bce-fetch-source must not carry a user name or password.");
  url.hash = "";
  return url.toString();
}

/** What a finished fetch means for the client: nothing (stored), or the error to answer. */
function failureOf(outcome: PullOutcome): Error | null {
  switch (outcome.outcome) {
    case "pulled":
      return null;
    case "missing":
    case "failed":
      return outcome.error;
    case "skipped":
      return new BosError("OperationAborted", `The object was not stored: ${outcome.reason}.`);
    case "noRule":
      return new BosError("InternalError", "The fetch had no source.");
  }
}

export async function fetchObject(ctx: ObjectApiContext, bucket: BucketRecord): Promise<void> {
  const key = requireKey(ctx.target.key);
  const href = fetchSource(parameter(ctx, "x-bce-fetch-source"));
  const mode = parameter(ctx, "x-bce-fetch-mode") ?? "sync";
  if (mode !== "sync" && mode !== "async") throw new BosError("InvalidArgument", "x-bce-fetch-mode must be sync or async.");
  const storageClass = parameter(ctx, "x-bce-storage-class") ?? bucket.defaultStorageClass;
  if (!isStorageClassAllowed(bucket.zoneType, storageClass)) {
    throw new BosError("InvalidArgument", `Storage class ${storageClass} is not available in bucket ${bucket.name}.`);
  }
  // FetchObject has no body (Content-Length: 0); whatever was sent is read and dropped.
  ctx.req.resume();
  if (mode === "async") {
    const jobId = await ctx.fetches.accept(bucket, { key, url: href, storageClass, requestId: ctx.requestId });
    return sendJson(ctx.res, 200, { code: "success", message: "success", requestId: ctx.requestId, jobId });
  }
  // A synchronous fetch past the origin's queue is told to come back (503 SlowDown), as a GET miss is.
  const outcome = await ctx.engine.pull(bucket, key, { overwrite: true, source: "fetch", url: { href, storageClass }, queue: "refuse-when-full" });
  const failure = failureOf(outcome);
  if (failure) throw failure;
  if (outcome.outcome === "pulled") ctx.res.setHeader("etag", `"${outcome.object.etag}"`);
  sendJson(ctx.res, 200, { code: "success", message: "success", requestId: ctx.requestId, jobId: "" });
}
