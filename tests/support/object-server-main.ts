/**
 * The object API as its own process (started with tsx), for tests that kill it: it recovers from
 * unfinished writes at start like the app's server, then prints its URL. Settings come from the
 * environment it is started with (tests/support/server-process.ts passes extra variables), the
 * ORIGIN_*_TIMEOUT_MS included.
 * SIGTERM shuts it down as server.ts does (lib/http/shut-down.ts: the app is closed, so what it
 * holds in memory is written; TEST_SHUTDOWN_GRACE_MS shortens the grace period). TEST_ACTIVITY_FLUSH_MS stretches the activity recorder's interval, so a test can tell
 * a write at shutdown from a timed one; TEST_ROW_CACHE_TTL_MS stretches how long cached signing
 * secrets and rules live, so a test can tell the change log's invalidation from expiry;
 * TEST_EMPTY_BATCH empties buckets that many keys at a time, so a test can stop a job midway
 * (TEST_EMPTY_PAUSE_MS: with a pause after each batch, so that the job is surely still midway);
 * TEST_CLOCK_SKEW_MS sets this process's clock off (tests/support/skewed-clock.ts); TEST_MANAGEMENT_API=1
 * also answers the management routes tests/support/api-server.ts knows.
 */
// First: with TEST_CLOCK_SKEW_MS this process's clock is off, before any other module reads it.
import "./skewed-clock";
import { env } from "@/lib/env";
import { startObjectServer } from "./object-server";

// Origin protection and origin timeouts as the environment says, as in the app (the in-process test
// servers turn protection off and shorten the timeouts). Tests here hold origin responses open
// while they kill the process: a one-second timeout would end those pulls first on a busy machine.
const { maxConcurrency, maxQueued, breaker, negativeCache } = env().originProtection;
const flush = process.env.TEST_ACTIVITY_FLUSH_MS;
const rowTtl = process.env.TEST_ROW_CACHE_TTL_MS;
const emptyBatch = process.env.TEST_EMPTY_BATCH;
const emptyPause = process.env.TEST_EMPTY_PAUSE_MS;
// The management routes tests/support/api-server.ts knows, only when asked (they take a while to load).
const management = process.env.TEST_MANAGEMENT_API === "1" ? (await import("./api-server")).handleApiRequest : undefined;
const server = await startObjectServer(
  undefined,
  { originConcurrency: maxConcurrency, originQueue: maxQueued, breaker, negativeCache },
  { originTimeouts: env().origin, ...(flush ? { activityFlushMs: Number(flush) } : {}), ...(rowTtl ? { rowCacheTtlMs: Number(rowTtl) } : {}), ...(emptyBatch ? { emptyBatch: Number(emptyBatch), emptyPauseMs: Number(emptyPause ?? 0) } : {}), management },
);
// The test process that started it keeps its stdin open (tests/support/server-process.ts): when
// that process is gone, so is this one.
process.stdin.on("end", () => process.exit(0));
process.stdin.resume();
// TEST_SHUTDOWN_GRACE_MS shortens the grace period that requests in flight get.
const grace = process.env.TEST_SHUTDOWN_GRACE_MS;
process.once("SIGTERM", () => {
  void server.shutDown(grace ? Number(grace) : undefined).finally(() => process.exit(0));
});
console.log(`listening ${server.url}`);
