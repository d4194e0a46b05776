/**
 * The object API as its own process (started with tsx), for tests that kill it: it recovers from
 * unfinished writes at start like the app's server, then prints its URL. Settings come from the
 * environment it is started with (tests/support/server-process.ts passes extra variables).
 */
import { env } from "@/lib/env";
import { startObjectServer } from "./object-server";

// Origin protection as the environment says (the in-process test servers turn it off by default).
const { maxConcurrency, maxQueued, breaker, negativeCache } = env().originProtection;
const server = await startObjectServer(undefined, { originConcurrency: maxConcurrency, originQueue: maxQueued, breaker, negativeCache });
console.log(`listening ${server.url}`);
