/**
 * The object API as its own process (started with tsx), for tests that kill it: it recovers from
 * unfinished writes at start like the app's server, then prints its URL. SIGTERM shuts it down as
 * server.ts does (the app is closed, so what it holds in memory is written). TEST_ACTIVITY_FLUSH_MS
 * stretches the activity recorder's interval, so a test can tell a write at shutdown from a timed one.
 */
import { startObjectServer } from "./object-server";

const flush = process.env.TEST_ACTIVITY_FLUSH_MS;
const server = await startObjectServer(undefined, {}, flush ? { activityFlushMs: Number(flush) } : {});
process.once("SIGTERM", () => {
  void server
    .stop()
    .then(() => server.close())
    .finally(() => process.exit(0));
});
console.log(`listening ${server.url}`);
