/**
 * The app's single process: applies database migrations, then serves the console and /api
 * through Next's request handler (Next's documented custom-server pattern). The object API
 * will be answered here directly, ahead of Next, because route handlers are too slow for bulk data.
 */
import { createServer } from "node:http";
import path from "node:path";
import next from "next";
import { applyMigrations } from "./lib/db/migrate";
import { disconnectDb } from "./lib/db/client";
import { env } from "./lib/env";

const projectDir = path.dirname(new URL(import.meta.url).pathname);
const dev = process.argv.includes("--dev");

async function main(): Promise<void> {
  const config = env();
  await applyMigrations(projectDir);

  const app = next({ dev, dir: projectDir, port: config.port });
  await app.prepare();
  const handle = app.getRequestHandler();

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      console.error("request failed", error);
      if (!response.headersSent) response.writeHead(500).end("Internal Server Error");
    });
  });

  const shutdown = () => {
    server.close(() => void disconnectDb().finally(() => process.exit(0)));
    setTimeout(() => process.exit(0), 5000).unref();
  };
  process.once("SIGTERM", shutdown);
  process.once("SIGINT", shutdown);

  server.listen(config.port, () => {
    console.log(`Console: http://localhost:${config.port}  (data: ${config.dataDir}, ${dev ? "development" : "production"})`);
  });
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
