/**
 * Runs import jobs: at most one running job per bucket, the others queued in creation order. With
 * several instances, a running job belongs to the instance that started it (ImportJob.ownerInstance,
 * its lease being that instance's heartbeat): the others leave it alone while that instance lives,
 * and the first to notice it is gone (lease expired, or its process gone on this host) takes the job
 * over from its checkpoint. Built
 * by the composition root (lib/runtime/create-app.ts) and started with the server, after start-up
 * recovery: a job that was running when the process died is running again (its claimed keys are
 * done again), and a key list that never arrived whole is removed. State changes made through the
 * API (pause, resume, cancel, retry) reach a run at the next tick: at once in this process
 * (`wake()`), within the poll interval from another.
 */
import type { PrismaClient } from "@/lib/generated/prisma/client";
import type { MaybePromise } from "@/lib/maybe-promise";
import type { Logger } from "@/lib/observability/logger";
import { unseal } from "@/lib/auth/secret-box";
import { listRulesForBucketId } from "@/lib/mirroring/rule-service";
import type { ObjectService } from "@/lib/objects/object-service";
import type { MirrorEngine } from "@/lib/origin/mirror-engine";
import type { OriginClient } from "@/lib/origin/origin-client";
import { ImportRepository, sourceOf, type ImportJobRow } from "./import-repository";
import { ImportRun } from "./import-run";
import { originLister } from "./origin-listing";

export interface ImportRunnerDeps {
  db: () => PrismaClient;
  engine: Pick<MirrorEngine, "pull">;
  objects: ObjectService;
  client: OriginClient;
  findBucket: (name: string) => MaybePromise<{ id: number } | null>;
  logger: Logger;
  /** This instance among those sharing the database (lib/fleet/instance-registry.ts). */
  instance: { readonly id: string; liveIds(): Promise<Set<string>> };
}

export interface ImportRunnerOptions {
  /** How often the database is looked at for jobs changed by another process. */
  pollIntervalMs: number;
  /** How long item outcomes may wait before they are written together. */
  flushIntervalMs: number;
  /** Keys asked for per origin listing page (S3 answers at most 1,000). */
  listPageKeys: number;
}

const RETRY_AFTER_ERROR_MS = 10_000;

export const DEFAULT_IMPORT_RUNNER_OPTIONS: ImportRunnerOptions = { pollIntervalMs: 1_000, flushIntervalMs: 200, listPageKeys: 1_000 };

export class ImportRunner {
  readonly repository: ImportRepository;
  private readonly runs = new Map<number, ImportRun>();
  private started = false;
  private timer: NodeJS.Timeout | null = null;
  private ticking: Promise<void> | null = null;
  private tickAgain = false;
  /** Jobs whose run ended in an error, and when: not started again before RETRY_AFTER_ERROR_MS. */
  private readonly erred = new Map<number, number>();

  constructor(
    private readonly deps: ImportRunnerDeps,
    private readonly options: ImportRunnerOptions = DEFAULT_IMPORT_RUNNER_OPTIONS,
  ) {
    this.repository = new ImportRepository(deps.db);
  }

  async start(): Promise<void> {
    if (this.started) return;
    const drafts = await this.repository.removeDrafts();
    if (drafts > 0) this.deps.logger.info({ drafts }, "import key lists that never arrived whole were removed");
    this.started = true;
    this.timer = setInterval(() => this.wake(), this.options.pollIntervalMs);
    this.timer.unref();
    this.wake();
  }

  /** Looks at the jobs now (a job was created or changed state). Does nothing before start(). */
  wake(): void {
    if (!this.started) return;
    if (this.ticking) {
      this.tickAgain = true;
      return;
    }
    this.ticking = this.tick()
      .catch((error: unknown) => this.deps.logger.error({ err: error }, "the import runner could not look at its jobs"))
      .finally(() => {
        this.ticking = null;
        if (this.tickAgain) {
          this.tickAgain = false;
          this.wake();
        }
      });
  }

  /** Jobs running in this process (tests, metrics). */
  get runningJobIds(): number[] {
    return [...this.runs.keys()];
  }

  private async tick(): Promise<void> {
    const me = this.deps.instance.id;
    const jobs = await this.repository.active();
    const running = new Map(jobs.filter((job) => job.state === "running").map((job) => [job.id, job]));
    // A run stops when its job stops running, or when another instance took the job over (this one
    // was taken for dead, a stall longer than its lease).
    for (const [id, run] of this.runs) if (running.get(id)?.ownerInstance !== me) run.stop();
    const busyBuckets = new Set([...running.values()].map((job) => job.bucketId));
    let live: Set<string> | null = null;
    for (const job of running.values()) {
      const erredAt = this.erred.get(job.id);
      if (this.runs.has(job.id) || (erredAt !== undefined && Date.now() - erredAt < RETRY_AFTER_ERROR_MS)) continue;
      if (job.ownerInstance !== me) {
        live ??= await this.deps.instance.liveIds();
        if (job.ownerInstance !== null && live.has(job.ownerInstance)) continue;
        if (!(await this.repository.takeOver(job.id, job.ownerInstance, me))) continue;
        this.deps.logger.info({ importJob: job.id, bucket: job.bucket.name, from: job.ownerInstance }, "an import job whose instance is gone goes on here");
      }
      this.launch({ ...job, ownerInstance: me });
    }
    for (const job of jobs) {
      if (!this.started || job.state !== "queued" || busyBuckets.has(job.bucketId)) continue;
      if (!(await this.repository.startQueued(job.id, job.bucketId, me))) continue;
      busyBuckets.add(job.bucketId);
      this.launch({ ...job, state: "running", ownerInstance: me });
    }
  }

  private launch(job: ImportJobRow & { bucket: { name: string } }): void {
    const source = sourceOf(job);
    const lister = source.type === "keys" ? null : originLister(source, job.secretSealed ? unseal(job.secretSealed) : null, this.deps, this.options.listPageKeys);
    const run = new ImportRun(job, job.bucket.name, {
      repository: this.repository,
      objects: this.deps.objects,
      pull: (bucket, key, options) => this.deps.engine.pull(bucket, key, options),
      lister,
      rulesFor: listRulesForBucketId,
      flushIntervalMs: this.options.flushIntervalMs,
      log: (message) => this.deps.logger.warn({ importJob: job.id, bucket: job.bucket.name }, message),
    });
    this.runs.set(job.id, run);
    void run.done
      .then(
        () => this.erred.delete(job.id),
        (error: unknown) => {
          this.erred.set(job.id, Date.now());
          this.deps.logger.error({ err: error, importJob: job.id, bucket: job.bucket.name }, "an import run stopped on an error; it starts again in a while");
        },
      )
      .finally(() => {
        this.runs.delete(job.id);
        this.wake();
      });
  }

  /** Stops starting pulls and waits for the ones under way to be recorded (the jobs stay running, to resume at the next start). */
  async close(): Promise<void> {
    this.started = false;
    if (this.timer) clearInterval(this.timer);
    await this.ticking;
    const runs = [...this.runs.values()];
    for (const run of runs) run.stop();
    await Promise.allSettled(runs.map((run) => run.done));
  }
}
