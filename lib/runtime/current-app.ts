/**
 * The process's one app (built by create-app.ts, the composition root). Modules that cannot be
 * handed their dependencies — Next's route handlers and the services they call, which Next bundles
 * as separate copies of our modules — reach the same instances through `currentApp()`. This is the
 * only process-wide holder of wiring; it imports types only, so anything may import it.
 */
import type { CacheSync } from "@/lib/fleet/cache-sync";
import type { InstanceRegistry } from "@/lib/fleet/instance-registry";
import type { ActivityRecorder } from "@/lib/activity/activity-recorder";
import type { AppEnv } from "@/lib/env";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import type { JobRunner } from "@/lib/jobs/job-runner";
import type { AsyncFetches } from "@/lib/origin/async-fetches";
import type { BucketEmptier } from "@/lib/objects/bucket-emptier";
import type { ImportRunner } from "@/lib/imports/import-runner";
import type { HotCaches } from "@/lib/objects/hot-cache";
import type { MultipartService } from "@/lib/objects/multipart-service";
import type { ObjectService } from "@/lib/objects/object-service";
import type { Logger } from "@/lib/observability/logger";
import type { AppMetrics } from "@/lib/observability/metrics";
import type { RepeatedFailureLog } from "@/lib/observability/repeated-failure-log";
import type { MirrorEngine } from "@/lib/origin/mirror-engine";
import type { OriginProbe } from "@/lib/origin/origin-probe";
import type { ProbeLimiter } from "@/lib/origin/probe-limiter";

export interface App {
  config: AppEnv;
  db: PrismaClient;
  caches: HotCaches;
  objects: ObjectService;
  multipart: MultipartService;
  /** "Empty bucket" jobs, polled by the console. */
  emptier: BucketEmptier;
  /** Background jobs ("Empty bucket", async FetchObject), owned by an instance and taken over when it is gone (lib/jobs/). */
  jobs: JobRunner;
  /** FetchObject's async mode, on the job runner. */
  fetches: AsyncFetches;
  engine: MirrorEngine;
  /** "Check the origin now" (the console), with its rate limit. */
  probe: OriginProbe;
  probeLimiter: ProbeLimiter;
  /** Import jobs; started by the server after start-up recovery (start()), stopped by close(). */
  imports: ImportRunner;
  /** Back-to-origin outcomes, counted and kept (lib/activity/). */
  activity: ActivityRecorder;
  /** The structured log, and the metrics (null when METRICS_ENABLED=false): every protocol's requests. */
  telemetry: { logger: Logger; metrics: AppMetrics | null; repeatedFailures: RepeatedFailureLog };
  /**
   * This instance among those sharing the database: its identity and lease (registered by start-up
   * recovery), and the change log that keeps its caches coherent with the others' writes.
   */
  fleet: { instance: InstanceRegistry; cacheSync: CacheSync };
  close(): Promise<void>;
}

const holder = globalThis as typeof globalThis & { __bosApp?: App; __bosAppFactory?: () => App; __bosAppIsDefault?: boolean };

export function currentApp(): App {
  if (!holder.__bosApp) {
    if (!holder.__bosAppFactory) throw new Error("The app has not been created: call createApp() (lib/runtime/create-app.ts) first.");
    holder.__bosApp = holder.__bosAppFactory();
    holder.__bosAppIsDefault = true;
  }
  return holder.__bosApp;
}

/**
 * Makes `app` the process's app. A test that builds its own app replaces the one built on first
 * use from the environment, which is then closed; an app someone created explicitly is theirs to close.
 */
export function installApp(app: App): void {
  const previous = holder.__bosApp;
  const previousIsDefault = holder.__bosAppIsDefault;
  holder.__bosApp = app;
  holder.__bosAppIsDefault = false;
  if (previous && previous !== app && previousIsDefault) void previous.close().catch(() => undefined);
}

/** What builds the app on first use when nobody created it explicitly (test files, from env()). */
export function setDefaultAppFactory(factory: () => App): void {
  holder.__bosAppFactory = factory;
}

export async function closeCurrentApp(): Promise<void> {
  const app = holder.__bosApp;
  holder.__bosApp = undefined;
  await app?.close();
}
