/**
 * The object API as its own process (started with tsx), for tests that kill it: it recovers from
 * unfinished writes at start like the app's server, then prints its URL. Settings come from the
 * environment it is started with (tests/support/server-process.ts passes extra variables).
 * SIGTERM shuts it down as server.ts does (the app is closed, so what it holds in memory is
 * written). TEST_ACTIVITY_FLUSH_MS stretches the activity recorder's interval, so a test can tell
 * a write at shutdown from a timed one.
 */
import { env } from "@/lib/env";
import { startObjectServer } from "./object-server";

// Origin protection as the environment says (the in-process test servers turn it off by default).
const { maxConcurrency, maxQueued, breaker, negativeCache } = env().originProtection;
const flush = process.env.TEST_ACTIVITY_FLUSH_MS;
const server = await startObjectServer(
  undefined,
  { originConcurrency: maxConcurrency, originQueue: maxQueued, breaker, negativeCache },
  flush ? { activityFlushMs: Number(flush) } : {},
);
process.once("SIGTERM", () => {
  void server
    .stop()
    .then(() => server.close())
    .finally(() => process.exit(0));
});
console.log(`listening ${server.url}`);
