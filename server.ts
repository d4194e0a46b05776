/**
 * The app's single process: applies database migrations, recovers from unfinished writes, then answers
 * the object API (/v1/..., and {bucket}.{OBJECT_HOST}) with Node's own HTTP server and hands every
 * other request (console, /api) to Next, per Next's documented custom-server pattern. The object
 * path stays out of Next because route handlers are far too slow for bulk data.
 */
import path from "node:path";
import next from "next";
import { ensureRootAccessKey } from "./lib/auth/access-key-service";
import { ensureAdminUser } from "./lib/auth/session-service";
import { applyMigrations } from "./lib/db/migrate";
import { env } from "./lib/env";
import { parseTrustProxy } from "./lib/http/client-address";
import { createHttpServer } from "./lib/http/create-http-server";
import { createMetricsEndpoint } from "./lib/http/metrics-endpoint";
import { admitToNext } from "./lib/http/next-handoff";
import { observeRequest } from "./lib/http/request-telemetry";
import { SHUTDOWN_CLOSE_MS, SHUTDOWN_GRACE_MS, shutDown } from "./lib/http/shut-down";
import { createObjectApi } from "./lib/object-api/object-api";
import { createApp } from "./lib/runtime/create-app";
import { keepTickObjectShape } from "./lib/runtime/tick-object-shape";
import { createS3Api } from "./lib/s3/s3-api";

const projectDir = path.dirname(new URL(import.meta.url).pathname);
const dev = process.argv.includes("--dev");

async function main(): Promise<void> {
  // Otherwise every request pays ~30% more after the process has once been idle (see the module).
  const tickShapeKept = keepTickObjectShape();
  const config = env();
  await applyMigrations(projectDir);
  const services = createApp(config, { prettyLogs: dev });
  const { logger } = services.telemetry;
  // Before anything else writes: on a full disk, cleaning up is what makes room.
  const recovered = await services.objects.recover();
  // Recovery registered this instance (its lease); several instances may share the database.
  logger.info({ instance: services.fleet.instance.id }, "instance registered");
  if (!tickShapeKept) logger.warn("this Node's nextTick handed no tick object to async hooks: the hit path may slow down after an idle spell");
  if (recovered.temps + recovered.blobs > 0) {
    logger.info({ temporaryFiles: recovered.temps, blobsWithoutRow: recovered.blobs }, "unfinished writes cleaned up");
  }
  // Uploads in progress survive a restart; only those past MULTIPART_UPLOAD_MAX_AGE_HOURS go (then hourly).
  const aborted = await services.multipart.sweep(config.multipartUploadMaxAgeMs);
  if (aborted > 0) logger.info({ aborted, maxAgeHours: config.multipartUploadMaxAgeMs / 3_600_000 }, "multipart uploads past their maximum age aborted");
  // After recovery: import jobs that were running when the process stopped go on from their checkpoint.
  await services.imports.start();
  // And "Empty bucket" runs and accepted async fetches of instances that are gone (this process's previous life's included).
  services.jobs.start();
  const generated = await ensureRootAccessKey();
  if (generated) {
    console.log(
      `\nFirst start: generated the root access key. It is shown this once; set ROOT_ACCESS_KEY and ROOT_SECRET_KEY to choose your own.\n  Access key: ${generated.accessKeyId}\n  Secret key: ${generated.secretKey}\n`,
    );
  }
  const admin = await ensureAdminUser();
  if (admin) {
    console.log(
      `First start: created the console admin. The password is shown this once; set ADMIN_EMAIL and ADMIN_PASSWORD to choose your own.\n  Email:    ${admin.email}\n  Password: ${admin.password}\n`,
    );
  }

  const app = next({ dev, dir: projectDir, port: config.port });
  await app.prepare();
  const handleNext = app.getRequestHandler();
  const objectApi = createObjectApi(services, config.objectHost);
  const s3Api = createS3Api(services, { objectHost: config.objectHost, region: config.s3Region });
  const metricsEndpoint = createMetricsEndpoint(services.telemetry.metrics, config.metrics.token, services.telemetry);
  const trustProxy = parseTrustProxy(config.trustProxy);

  const server = createHttpServer((request, response) => {
    // A scrape of /metrics (unsigned, or with a bearer token); then SigV4-signed (or AWS-client)
    // requests are S3 whatever their path; then BOS; then the console.
    if (metricsEndpoint.handle(request, response)) return;
    if (s3Api.handle(request, response)) return;
    if (objectApi.handle(request, response)) return;
    // The management API's handlers set x-request-id, which the access line picks up.
    const seen = observeRequest(services.telemetry, request, response, "console", null);
    seen.operation = /^\/api(?:[/?]|$)/.test(request.url ?? "") ? "ManagementApi" : "ConsolePage";
    // Sets the client address Next's handlers read, and refuses oversized or malformed requests first.
    if (!admitToNext(request, response, { trustProxy, maxObjectSize: config.maxObjectSize })) return;
    handleNext(request, response).catch((error: unknown) => {
      logger.error({ err: error, url: request.url }, "request failed");
      if (!response.headersSent) response.writeHead(500).end("Internal Server Error");
    });
  });

  let stopping = false;
  const shutdown = () => {
    // A second signal changes nothing: the stop under way ends by the deadline below either way.
    if (stopping) return;
    stopping = true;
    // Should closing the app itself hang, the process still ends.
    setTimeout(() => process.exit(1), SHUTDOWN_GRACE_MS + SHUTDOWN_CLOSE_MS).unref();
    shutDown(server, () => services.close()).then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, "closing the app failed");
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", shutdown);
  process.on("SIGINT", shutdown);

  server.listen(config.port, () => {
    console.log(`Console and APIs: http://localhost:${config.port}  (instance ${services.fleet.instance.id}; object API under /v1, S3 API for SigV4 requests in region ${config.s3Region}; data: ${config.dataDir}; ${dev ? "development" : "production"})`);
    console.log(
      config.originAllowlist.length > 0
        ? `Origin allowlist (ORIGIN_ALLOWLIST): ${config.originAllowlist.join(", ")}`
        : "Origin allowlist (ORIGIN_ALLOWLIST): empty — private, loopback and metadata addresses are refused as origins",
    );
  });
}

main().catch((error: unknown) => {
  // Start-up failures (bad configuration, a database that will not open) go to stderr as plain text.
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
