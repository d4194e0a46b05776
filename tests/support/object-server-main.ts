/**
 * The object API as its own process (started with tsx), for tests that kill it: it recovers from
 * unfinished writes at start like the app's server, then prints its URL.
 */
import { startObjectServer } from "./object-server";

const server = await startObjectServer();
console.log(`listening ${server.url}`);
