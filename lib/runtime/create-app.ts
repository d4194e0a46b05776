/**
 * The composition root: the one place that turns configuration into the running parts (database
 * client, blob store, caches, object service, origin client, back-to-origin engine). server.ts and
 * the test servers call it; no constructor below reads the environment.
 */
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { findBucketRecord } from "@/lib/buckets/bucket-service";
import { env, type AppEnv } from "@/lib/env";
import { PrismaClient } from "@/lib/generated/prisma/client";
import { DEFAULT_IMPORT_RUNNER_OPTIONS, ImportRunner, type ImportRunnerOptions } from "@/lib/imports/import-runner";
import { listRulesForBucketId } from "@/lib/mirroring/rule-service";
import { BucketEmptier } from "@/lib/objects/bucket-emptier";
import { createHotCaches } from "@/lib/objects/hot-cache";
import { MultipartService } from "@/lib/objects/multipart-service";
import { CachedObjectRepository } from "@/lib/objects/object-cache";
import { PrismaObjectRepository } from "@/lib/objects/object-repository";
import { ObjectService } from "@/lib/objects/object-service";
import type { OriginLookup } from "@/lib/origin/checked-connect";
import { MirrorEngine, type EngineLimits } from "@/lib/origin/mirror-engine";
import { OriginClient, type OriginTimeouts } from "@/lib/origin/origin-client";
import { OriginAllowlist } from "@/lib/origin/ssrf-guard";
import { DiskBlobStore } from "@/lib/storage/disk-blob-store";
import { installApp, setDefaultAppFactory, type App } from "./current-app";

export interface AppOptions {
  /** Tests shorten these to exercise faults quickly. */
  originTimeouts?: OriginTimeouts;
  engineLimits?: Partial<EngineLimits>;
  /** Stands in for DNS when the engine resolves origin host names (tests). */
  originLookup?: OriginLookup;
  /** Tests lower S3's 5 MiB minimum part size. */
  minPartSize?: number;
  /** Tests poll for jobs changed by another process more often. */
  importRunner?: Partial<ImportRunnerOptions>;
}

/** How often abandoned multipart uploads are looked for. */
const MULTIPART_SWEEP_INTERVAL_MS = 60 * 60_000;

export function createApp(config: AppEnv, options: AppOptions = {}): App {
  const db = new PrismaClient({ adapter: new PrismaBetterSQLite3({ url: config.databaseUrl }) });
  const caches = createHotCaches(config.cacheBytes);
  const blobs = new DiskBlobStore(config.dataDir);
  const repository = new CachedObjectRepository(new PrismaObjectRepository(() => db), caches.objects);
  const objects = new ObjectService({ repository, blobs, contentCache: caches.content, maxObjectSize: config.maxObjectSize });
  const emptier = new BucketEmptier(objects);
  const multipart = new MultipartService({ db: () => db, objects, blobs, journal: repository, maxObjectSize: config.maxObjectSize, minPartSize: options.minPartSize });
  const sweep = setInterval(() => {
    multipart.sweep(config.multipartUploadMaxAgeMs).then(
      (aborted) => aborted > 0 && console.log(`Aborted ${aborted} multipart upload(s) older than ${config.multipartUploadMaxAgeMs / 3_600_000} hours.`),
      (error: unknown) => console.error("multipart sweep failed", error),
    );
  }, MULTIPART_SWEEP_INTERVAL_MS);
  sweep.unref();
  const client = new OriginClient(new OriginAllowlist(config.originAllowlist), options.originTimeouts ?? config.origin, options.originLookup);
  const engine = new MirrorEngine({ client, objects, findBucket: findBucketRecord, rulesFor: listRulesForBucketId }, {
    bodyTimeoutMs: (options.originTimeouts ?? config.origin).bodyTimeoutMs,
    backgroundQueue: config.backgroundFetch.queue,
    originConcurrency: config.originProtection.maxConcurrency,
    originQueue: config.originProtection.maxQueued,
    breaker: config.originProtection.breaker,
    negativeCache: config.originProtection.negativeCache,
    ...options.engineLimits,
  });
  const imports = new ImportRunner({ db: () => db, engine, objects, client, findBucket: findBucketRecord }, { ...DEFAULT_IMPORT_RUNNER_OPTIONS, ...options.importRunner });
  let closing: Promise<void> | undefined;
  const app: App = {
    config,
    db,
    caches,
    objects,
    multipart,
    emptier,
    engine,
    imports,
    close: () => {
      clearInterval(sweep);
      // Import runs and emptying jobs stop first: they record what is under way and still need the database.
      return (closing ??= Promise.all([imports.close(), emptier.close()])
        .then(() => Promise.all([engine.close(), db.$disconnect()]))
        .then(() => undefined));
    },
  };
  installApp(app);
  return app;
}

/** The app built on first use when nobody created one (test processes, scripts), from the environment. */
setDefaultAppFactory(() => createApp(env()));
