/**
 * The management API test server (tests/support/api-server.ts) as its own process, so a test can
 * read that process's memory: GET /__test/memory answers its peak resident set size.
 */
import { startApiServer } from "./api-server";

const server = await startApiServer({
  extra: (req, res) => {
    if (req.url !== "/__test/memory") return false;
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ maxRssBytes: process.resourceUsage().maxRSS * 1024 }));
    return true;
  },
});
console.log(`listening ${server.url}`);
