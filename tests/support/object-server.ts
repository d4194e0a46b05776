/**
 * The object APIs (S3 and BOS) on a real node:http server, in the test process, against the test
 * file's own database and data directory: the same handlers the app's server uses, without Next.
 */
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { ensureRootAccessKey } from "@/lib/auth/access-key-service";
import { createHttpServer, type HttpServerOptions } from "@/lib/http/create-http-server";
import { createMetricsEndpoint } from "@/lib/http/metrics-endpoint";
import { shutDown } from "@/lib/http/shut-down";
import { createObjectApi } from "@/lib/object-api/object-api";
import type { MirrorEngine, EngineLimits } from "@/lib/origin/mirror-engine";
import type { OriginLookup } from "@/lib/origin/checked-connect";
import type { OriginTimeouts } from "@/lib/origin/origin-client";
import type { DatabaseWaits } from "@/lib/db/create-client";
import { env } from "@/lib/env";
import { createApp, type AppOptions } from "@/lib/runtime/create-app";
import { createS3Api } from "@/lib/s3/s3-api";
import type { App } from "@/lib/runtime/current-app";
import { signedFetch } from "./signed-fetch";
import { WAIT_TIMEOUT_MS } from "./timeouts";

export interface TestObjectServer {
  url: string;
  engine: MirrorEngine;
  stop: () => Promise<void>;
  /** Closes the app as a shutdown does (what the activity recorder holds is written). */
  close: () => Promise<void>;
  /** Stops the server and closes the app as server.ts does on SIGTERM (lib/http/shut-down.ts). */
  shutDown: (graceMs?: number) => Promise<void>;
}

export const TEST_TIMEOUTS = { connectTimeoutMs: 2_000, headersTimeoutMs: 1_000, bodyIdleTimeoutMs: 1_000, bodyTimeoutMs: 3_000 };
/**
 * For tests that hold an origin response open on purpose until they release it: a one-second
 * timeout would end the pull first whenever the machine is busy. As long as a waitFor() condition.
 */
export const PATIENT_TIMEOUTS = { ...TEST_TIMEOUTS, headersTimeoutMs: WAIT_TIMEOUT_MS, bodyIdleTimeoutMs: WAIT_TIMEOUT_MS, bodyTimeoutMs: WAIT_TIMEOUT_MS };
export const TEST_MAX_OBJECT_SIZE = 8 * 1024 * 1024;
/** Import jobs: changes from another process seen within 100 ms; origin listings in pages of 25 keys, so a few dozen keys cross pages. */
export const TEST_IMPORT_RUNNER = { pollIntervalMs: 100, flushIntervalMs: 50, listPageKeys: 25 };
/** Background jobs of instances that are gone are taken over within 100 ms. */
export const TEST_JOB_RUNNER = { pollIntervalMs: 100 };

export interface TestServerOptions extends HttpServerOptions {
  /** Stands in for DNS when the engine resolves origin host names. */
  originLookup?: OriginLookup;
  /** Instead of TEST_MAX_OBJECT_SIZE (tests of large objects). */
  maxObjectSize?: number;
  /** Instead of TEST_TIMEOUTS (tests that hold origin responses open on purpose). */
  originTimeouts?: OriginTimeouts;
  /** How often back-to-origin activity is written (a long one shows that closing writes it). */
  activityFlushMs?: number;
  /** How long cached signing secrets and rules live (AppOptions.rowCacheTtlMs). */
  rowCacheTtlMs?: number;
  /** Instead of the app's DATABASE_WAITS (a test of a database that keeps requests waiting past them). */
  databaseWaits?: DatabaseWaits;
  /** CONTENT_CACHE_BYTES instead of the environment's (tests of what the content cache keeps). */
  contentCacheBytes?: number;
  /** AppOptions.wrapBlobStore: faults between the object service and the store. */
  wrapBlobStore?: AppOptions["wrapBlobStore"];
  /** "Empty bucket" in batches of this many keys (AppOptions.emptier), to watch a job in the middle. */
  emptyBatch?: number;
  /** And a pause of this long after each batch, so that a job is surely still in the middle when a test acts. */
  emptyPauseMs?: number;
  /** Answers `/api/` requests it knows (tests/support/api-server.ts's handleApiRequest), so a test can ask this instance to start a job. */
  management?: (req: IncomingMessage, res: ServerResponse) => boolean;
}

/**
 * The fault tests fail one origin on purpose again and again, and ask again for keys that were 404
 * a moment before: the circuit breaker and the negative cache stay out of their way unless a test
 * asks for them (tests/integration/origin-protection.test.ts does; a child server takes the
 * environment's settings, see object-server-main.ts).
 */
export const ORIGIN_PROTECTION_OFF: Partial<EngineLimits> = {
  breaker: { failureThreshold: Number.MAX_SAFE_INTEGER, windowMs: 1, openMs: 1 },
  negativeCache: { ttlMs: 0, maxBytes: 0 },
};

let sharedApp: App | undefined;

/** Origins are allowed per ORIGIN_ALLOWLIST, as in the app; timeouts are short for fault tests. */
export async function startObjectServer(
  objectHost?: string,
  limits: Partial<EngineLimits> = {},
  { originLookup, maxObjectSize = TEST_MAX_OBJECT_SIZE, originTimeouts = TEST_TIMEOUTS, activityFlushMs, rowCacheTtlMs, databaseWaits, contentCacheBytes, wrapBlobStore, emptyBatch, emptyPauseMs = 0, management, ...http }: TestServerOptions = {},
): Promise<TestObjectServer> {
  // The app's composition root, with short timeouts and a small size limit for fault tests. A
  // second server in the same file (another OBJECT_HOST) shares the first one's app.
  const reuse =
    sharedApp && Object.keys(limits).length === 0 && !originLookup && maxObjectSize === TEST_MAX_OBJECT_SIZE && originTimeouts === TEST_TIMEOUTS && activityFlushMs === undefined && rowCacheTtlMs === undefined && databaseWaits === undefined && contentCacheBytes === undefined && !wrapBlobStore && emptyBatch === undefined;
  const config = env();
  const app = reuse ? sharedApp! : createApp(
    { ...config, maxObjectSize, cacheBytes: { ...config.cacheBytes, content: contentCacheBytes ?? config.cacheBytes.content } },
    { originTimeouts, engineLimits: { backgroundQueue: 100, ...ORIGIN_PROTECTION_OFF, ...limits }, originLookup, activityFlushMs,
      rowCacheTtlMs,
      databaseWaits,
      wrapBlobStore,
      importRunner: TEST_IMPORT_RUNNER,
      jobRunner: TEST_JOB_RUNNER,
      ...(emptyBatch ? { emptier: { pageSize: emptyBatch, batchSize: emptyBatch, pauseMs: emptyPauseMs } } : {}),
    },
  );
  // The app's start order: clean up first, which is what makes room on a full disk.
  if (!reuse) {
    await app.objects.recover();
    await app.multipart.sweep(env().multipartUploadMaxAgeMs);
    await ensureRootAccessKey();
    await app.imports.start();
    app.jobs.start();
  }
  sharedApp ??= app;
  const { engine } = app;
  const api = createObjectApi(app, objectHost);
  const s3 = createS3Api(app, { objectHost, region: env().s3Region });
  // The app's own server settings (timeouts included) and dispatch order (S3, then BOS), without Next.
  const metrics = createMetricsEndpoint(app.telemetry.metrics, app.config.metrics.token, app.telemetry);
  const server: Server = createHttpServer((req, res) => {
    if (metrics.handle(req, res)) return;
    if (management && req.url?.startsWith("/api/") && management(req, res)) return;
    if (s3.handle(req, res)) return;
    if (!api.handle(req, res)) res.writeHead(418).end("not an object API request");
  }, http);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    engine,
    close: () => app.close(),
    shutDown: (graceMs) => shutDown(server, () => app.close(), graceMs),
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      // The app (engine, database) is closed once the test file ends (worker-database.ts).
    },
  };
}

/** Creates a bucket and sets its rules through the BOS API, as a client would. */
export async function bucketWithRules(base: string, bucket: string, rules: Record<string, unknown>[] = []): Promise<void> {
  const created = await signedFetch(`${base}/v1/${bucket}`, { method: "PUT" });
  if (created.status !== 200) throw new Error(`creating ${bucket}: ${created.status} ${await created.text()}`);
  if (rules.length === 0) return;
  const put = await signedFetch(`${base}/v1/${bucket}?mirroring`, { method: "PUT", body: JSON.stringify({ bucketMirroringConfiguration: rules }) });
  if (put.status !== 200) throw new Error(`setting rules of ${bucket}: ${put.status} ${await put.text()}`);
}
