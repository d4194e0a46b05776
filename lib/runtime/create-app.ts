/**
 * The composition root: the one place that turns configuration into the running parts (database
 * client, blob store, caches, object service, origin client, back-to-origin engine). server.ts and
 * the test servers call it; no constructor below reads the environment.
 */
import { createPrismaClient, type DatabaseWaits } from "@/lib/db/create-client";
import { ActivityRecorder } from "@/lib/activity/activity-recorder";
import { findBucketRecord } from "@/lib/buckets/bucket-service";
import { CacheSync } from "@/lib/fleet/cache-sync";
import { PrismaFetchLeases } from "@/lib/fleet/fetch-leases";
import { databaseTimeReader } from "@/lib/fleet/database-clock";
import { InstanceRegistry } from "@/lib/fleet/instance-registry";
import { env, type AppEnv } from "@/lib/env";
import { DEFAULT_IMPORT_RUNNER_OPTIONS, ImportRunner, type ImportRunnerOptions } from "@/lib/imports/import-runner";
import { listRulesForBucketId } from "@/lib/mirroring/rule-service";
import { createLogger, type Logger } from "@/lib/observability/logger";
import { RepeatedFailureLog } from "@/lib/observability/repeated-failure-log";
import { AppMetrics } from "@/lib/observability/metrics";
import { fanOut, outcomeLog } from "@/lib/observability/outcome-log";
import { registerOriginGauges } from "@/lib/observability/origin-gauges";
import { registerImportGauges } from "@/lib/observability/import-gauges";
import { registerFleetGauges } from "@/lib/observability/fleet-gauges";
import { recordAudit } from "@/lib/audit/audit-log";
import { JobRepository } from "@/lib/jobs/job-repository";
import { DEFAULT_JOB_RUNNER_OPTIONS, JobRunner, type JobRunnerOptions } from "@/lib/jobs/job-runner";
import { BucketEmptier, type EmptierOptions, type EmptyJobHooks } from "@/lib/objects/bucket-emptier";
import { createHotCaches } from "@/lib/objects/hot-cache";
import { MultipartService } from "@/lib/objects/multipart-service";
import { CachedObjectRepository } from "@/lib/objects/object-cache";
import { PrismaObjectRepository } from "@/lib/objects/object-repository";
import { ObjectService } from "@/lib/objects/object-service";
import type { OriginLookup } from "@/lib/origin/checked-connect";
import { AsyncFetches } from "@/lib/origin/async-fetches";
import { ClusterFlights } from "@/lib/origin/cluster-flight";
import { MirrorEngine, type EngineLimits } from "@/lib/origin/mirror-engine";
import { OriginClient, type OriginTimeouts } from "@/lib/origin/origin-client";
import { OriginProbe } from "@/lib/origin/origin-probe";
import { ProbeLimiter, type ProbeLimits } from "@/lib/origin/probe-limiter";
import { OriginAllowlist } from "@/lib/origin/ssrf-guard";
import type { BlobStore } from "@/lib/storage/blob-store";
import { createBlobStore } from "./create-blob-store";
import { installApp, setDefaultAppFactory, type App } from "./current-app";

export interface AppOptions {
  /** Tests shorten these to exercise faults quickly. */
  originTimeouts?: OriginTimeouts;
  engineLimits?: Partial<EngineLimits>;
  /** Stands in for DNS when the engine resolves origin host names (tests). */
  originLookup?: OriginLookup;
  /** Tests lower S3's 5 MiB minimum part size. */
  minPartSize?: number;
  /** Tests tighten how often "Check the origin now" may run. */
  probeLimits?: ProbeLimits;
  /** Tests poll for jobs changed by another process more often. */
  importRunner?: Partial<ImportRunnerOptions>;
  /** Tests poll for background jobs to take over more often. */
  jobRunner?: Partial<JobRunnerOptions>;
  /** Tests empty buckets in small batches, to watch a job in the middle. */
  emptier?: Partial<EmptierOptions>;
  /** Development (`npm run dev`): human-readable log lines. */
  prettyLogs?: boolean;
  /** Instead of a logger on stdout at LOG_LEVEL (tests). */
  logger?: Logger;
  /** How often gathered back-to-origin activity is written (tests shorten it). */
  activityFlushMs?: number;
  /**
   * How long cached signing secrets and rules live (lib/objects/hot-cache.ts). Tests stretch it to
   * show that another instance's change reaches this one through the change log, not by expiry.
   */
  rowCacheTtlMs?: number;
  /** Instead of DATABASE_WAITS (a test that makes the database wait past them). */
  databaseWaits?: DatabaseWaits;
  /** Puts something between the object service and the blob store (tests hold or fail a commit there). */
  wrapBlobStore?: (store: BlobStore) => BlobStore;
}

/** Back-to-origin activity gathers in memory this long before one write. */
const ACTIVITY_FLUSH_MS = 1_000;

/** "Check the origin now" waits this long at most for each address (the console is waiting). */
const ORIGIN_PROBE_TIMEOUT_MS = 10_000;

/** "Empty bucket" jobs are audited when they start and when they end, wherever they end. */
const emptyJobAudit: EmptyJobHooks = {
  onStarted: (job, input, tx) => recordAudit(tx, input, { action: "bucket.empty", bucket: input.bucket, target: job.id, before: { objects: job.total } }),
  onFinished: (job, input, tx) =>
    recordAudit(tx, input, {
      action: "bucket.emptied",
      bucket: input.bucket,
      target: job.id,
      after: { state: job.state, deleted: job.deleted, failed: job.failed, remaining: job.remaining, error: job.error },
    }),
};

/** How often a miss waiting for another instance's fetch looks whether it was stored. */
const FOLLOW_POLL_MS = 50;

/** How often abandoned multipart uploads are looked for. */
const MULTIPART_SWEEP_INTERVAL_MS = 60 * 60_000;

export function createApp(config: AppEnv, options: AppOptions = {}): App {
  const db = createPrismaClient(config.database, options.databaseWaits);
  const logger = options.logger ?? createLogger({ level: config.logLevel, flushMs: config.logFlushMs, pretty: options.prettyLogs });
  const metrics = config.metrics.enabled ? new AppMetrics() : null;
  const activity = new ActivityRecorder(() => db, {
    flushIntervalMs: options.activityFlushMs ?? ACTIVITY_FLUSH_MS,
    onError: (error) => logger.error({ err: error }, "writing back-to-origin activity failed; it is kept for the next attempt"),
  });
  const outcomes = fanOut([activity, outcomeLog(logger), ...(metrics ? [metrics] : [])], (error) =>
    logger.error({ err: error }, "a back-to-origin outcome could not be recorded"),
  );
  // This instance among those sharing the database (README "Running more than one instance").
  const instance = new InstanceRegistry(() => db, {
    name: config.fleet.instanceName,
    leaseMs: config.fleet.leaseMs,
    databaseTime: databaseTimeReader(() => db, config.database.provider),
    onBeatError: (error) => logger.error({ err: error, instance: instance.id }, "renewing this instance's lease failed; other instances take it for dead once it expires"),
  });
  const caches = createHotCaches(config.cacheBytes, options.rowCacheTtlMs);
  const store = createBlobStore(config, instance.id);
  const blobs = options.wrapBlobStore ? options.wrapBlobStore(store) : store;
  const repository = new CachedObjectRepository(new PrismaObjectRepository(() => db, instance.id), caches.objects);
  const objects = new ObjectService({ repository, blobs, owner: instance, contentCache: caches.content, maxObjectSize: config.maxObjectSize });
  const jobs = new JobRunner({ db: new JobRepository(() => db), instance, logger }, { ...DEFAULT_JOB_RUNNER_OPTIONS, ...options.jobRunner });
  const emptier = new BucketEmptier(objects, jobs, emptyJobAudit, options.emptier);
  const multipart = new MultipartService({ db: () => db, objects, blobs, journal: repository, maxObjectSize: config.maxObjectSize, minPartSize: options.minPartSize });
  const sweep = setInterval(() => {
    multipart.sweep(config.multipartUploadMaxAgeMs).then(
      (aborted) => aborted > 0 && logger.info({ aborted }, `aborted multipart uploads older than ${config.multipartUploadMaxAgeMs / 3_600_000} hours`),
      (error: unknown) => logger.error({ err: error }, "multipart sweep failed"),
    );
  }, MULTIPART_SWEEP_INTERVAL_MS);
  sweep.unref();
  const client = new OriginClient(new OriginAllowlist(config.originAllowlist), options.originTimeouts ?? config.origin, options.originLookup);
  const cluster = new ClusterFlights(
    new PrismaFetchLeases(() => db, instance),
    (bucketId, key) => objects.findFresh(bucketId, key),
    { followMs: (options.originTimeouts ?? config.origin).headersTimeoutMs, pollMs: FOLLOW_POLL_MS },
    (error) => logger.warn({ err: error }, "a fetch lease could not be given up; it expires by itself"),
  );
  const engine = new MirrorEngine({ client, objects, findBucket: findBucketRecord, rulesFor: listRulesForBucketId, outcomes, cluster }, {
    bodyTimeoutMs: (options.originTimeouts ?? config.origin).bodyTimeoutMs,
    backgroundQueue: config.backgroundFetch.queue,
    originConcurrency: config.originProtection.maxConcurrency,
    originQueue: config.originProtection.maxQueued,
    breaker: config.originProtection.breaker,
    negativeCache: config.originProtection.negativeCache,
    ...options.engineLimits,
  });
  const fetches = new AsyncFetches(engine, jobs, logger);
  const probe = new OriginProbe({
    client,
    objects,
    findBucket: findBucketRecord,
    timeoutMs: Math.min(ORIGIN_PROBE_TIMEOUT_MS, (options.originTimeouts ?? config.origin).headersTimeoutMs),
    enterOrigin: (host) => engine.enterOrigin(host, "probe"),
    breakerFailure: MirrorEngine.breakerFailure,
    logFailure: (requestId, address, detail) => logger.warn({ requestId, event: "originCheck", address, detail }, "origin check failed"),
  });
  const probeLimiter = new ProbeLimiter(options.probeLimits);
  if (metrics) registerOriginGauges(metrics, () => engine.originHealth());
  if (metrics) registerFleetGauges(metrics, () => cluster.waitingKeys);
  const imports = new ImportRunner({ db: () => db, engine, objects, client, findBucket: findBucketRecord, logger, instance }, { ...DEFAULT_IMPORT_RUNNER_OPTIONS, ...options.importRunner });
  if (metrics) registerImportGauges(metrics, () => imports.repository.countByState());
  // Other instances' writes reach this one's caches through the change log.
  const cacheSync = new CacheSync(
    () => db,
    {
      object: (bucketId, key) => repository.forget(bucketId, key),
      bucket: (_bucketId, name) => caches.buckets.delete(name),
      // Only the cached rules: remembered 404s are tied to a rule's id, version and addresses, so the
      // new rules cannot match them. (Clearing them here too would also clear, one poll later, what
      // this instance learned under the new rules after its own change.)
      rules: (bucketId) => caches.mirrorRules.forget(bucketId),
      accessKey: (accessKeyId) => caches.signingSecrets.forget(accessKeyId),
      all: () => {
        repository.forgetAll();
        caches.buckets.clear();
        caches.mirrorRules.clear();
        caches.signingSecrets.clear();
      },
    },
    { intervalMs: config.fleet.cacheSyncMs, onError: (error) => logger.error({ err: error }, "reading other instances' changes failed; cached rows may be stale until it works again") },
  );
  void cacheSync.start().catch((error: unknown) => logger.error({ err: error }, "following other instances' changes could not start; it is tried again at the next poll"));
  let closing: Promise<void> | undefined;
  const app: App = {
    config,
    db,
    caches,
    objects,
    multipart,
    emptier,
    jobs,
    fetches,
    engine,
    probe,
    probeLimiter,
    imports,
    activity,
    telemetry: { logger, metrics, repeatedFailures: new RepeatedFailureLog(logger) },
    fleet: { instance, cacheSync },
    close: () => {
      clearInterval(sweep);
      // Import runs and emptying jobs stop first: they record what is under way and still need the
      // database. Then the engine (its last outcomes reach the recorder), what the recorder holds,
      // the database, the blob store's connections, and the log's last lines.
      return (closing ??= Promise.all([imports.close(), jobs.close()])
        .then(() => engine.close())
        .then(() => cluster.settle())
        .then(() => activity.close())
        .then(() => Promise.all([cacheSync.close(), instance.close()]))
        .then(() => db.$disconnect())
        .then(() => blobs.close())
        .finally(() => new Promise<void>((resolve) => logger.flush(() => resolve()))));
    },
  };
  installApp(app);
  return app;
}

/** The app built on first use when nobody created one (test processes, scripts), from the environment. */
setDefaultAppFactory(() => createApp(env()));
