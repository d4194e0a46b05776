/**
 * "Empty bucket": deletes every object of a bucket through the object service, as a job that runs
 * on the server while the console polls its progress. One job per bucket at a time; starting one
 * while another runs returns the running job. Jobs live in this process: a restart ends a running
 * job (what it deleted stays deleted), and starting it again carries on with what is left.
 *
 * The walk goes forward through the listing by marker, so a key that cannot be deleted is counted
 * once and passed, never retried forever. Objects written while the job runs may be behind the
 * marker: the job counts what is left when it ends and says so (`remaining`), and the bucket can
 * only be deleted once nothing is left, which deleteBucket checks in its own transaction.
 */
import { randomUUID } from "node:crypto";
import type { ObjectService } from "./object-service";

export type EmptyJobState = "running" | "completed" | "failed";

export interface EmptyJob {
  id: string;
  bucketId: number;
  bucket: string;
  state: EmptyJobState;
  startedAt: Date;
  finishedAt: Date | null;
  /** Objects the bucket held when the job started (the progress bar's whole). */
  total: number;
  deleted: number;
  /** Objects in batches whose delete failed (the first reason is in `error`). */
  failed: number;
  /** Objects left when the job ended (failed ones, and any written meanwhile); null while running. */
  remaining: number | null;
  /** Why the job failed, or the first failed delete's reason. */
  error: string | null;
}

export interface EmptyJobHooks {
  onStarted: (job: EmptyJob) => Promise<void>;
  onFinished: (job: EmptyJob) => Promise<void>;
}

export interface EmptierOptions {
  /** Keys read per listing page. */
  pageSize: number;
  /** Keys deleted per batch: small enough for the progress to move, large enough to be cheap. */
  batchSize: number;
}

const DEFAULTS: EmptierOptions = { pageSize: 1000, batchSize: 250 };

export class BucketEmptier {
  private readonly jobs = new Map<number, EmptyJob>();
  private readonly running = new Set<Promise<void>>();
  private closed = false;
  private readonly options: EmptierOptions;

  constructor(
    private readonly objects: ObjectService,
    options: Partial<EmptierOptions> = {},
  ) {
    this.options = { ...DEFAULTS, ...options };
  }

  /** The bucket's running job, or the last one that ran in this process. */
  current(bucketId: number): EmptyJob | null {
    return this.jobs.get(bucketId) ?? null;
  }

  /**
   * Starts emptying the bucket, or returns the job already running for it (`started: false`).
   * `onStarted` runs before the first delete (a failure there cancels the job); `onFinished` once
   * the job ends, whatever the outcome (the caller records both).
   */
  async start(bucket: { id: number; name: string }, hooks: EmptyJobHooks): Promise<{ job: EmptyJob; started: boolean }> {
    const existing = this.jobs.get(bucket.id);
    if (existing?.state === "running") return { job: existing, started: false };
    if (this.closed) throw new Error("The server is shutting down.");
    const job: EmptyJob = {
      id: randomUUID(),
      bucketId: bucket.id,
      bucket: bucket.name,
      state: "running",
      startedAt: new Date(),
      finishedAt: null,
      total: 0,
      deleted: 0,
      failed: 0,
      remaining: null,
      error: null,
    };
    // Registered before the first await, so a second start in the same tick finds it.
    this.jobs.set(bucket.id, job);
    try {
      job.total = await this.objects.count(bucket.id);
      await hooks.onStarted(job);
    } catch (error) {
      this.jobs.delete(bucket.id);
      throw error;
    }
    const run = this.run(job)
      .catch((error: unknown) => {
        job.state = "failed";
        job.error = error instanceof Error ? error.message : String(error);
      })
      .then(async () => {
        job.remaining = await this.objects.count(bucket.id).catch(() => null);
        if (job.state === "running") job.state = "completed";
        job.finishedAt = new Date();
        await hooks.onFinished(job).catch((error: unknown) => console.error(`empty bucket ${bucket.name}: recording the outcome failed`, error));
      })
      .finally(() => this.running.delete(run));
    this.running.add(run);
    return { job, started: true };
  }

  /** Stops running jobs after their current page and waits for them (server shutdown, tests). */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.running]);
  }

  private async run(job: EmptyJob): Promise<void> {
    let marker = "";
    for (;;) {
      if (this.closed) throw new Error("The server shut down before the bucket was empty; start emptying again to delete the rest.");
      const page = await this.objects.list(job.bucketId, { prefix: "", delimiter: "", marker, maxKeys: this.options.pageSize });
      const keys = page.objects.map((object) => object.key);
      await this.deleteAll(job, keys);
      if (!page.isTruncated || keys.length === 0) return;
      marker = keys[keys.length - 1]!;
    }
  }

  /** Deletes `keys` in batches (a few database writes each), counting as it goes. */
  private async deleteAll(job: EmptyJob, keys: string[]): Promise<void> {
    for (let i = 0; i < keys.length; i += this.options.batchSize) {
      const batch = keys.slice(i, i + this.options.batchSize);
      try {
        // Keys someone else deleted meanwhile are not counted: the bucket is as empty either way.
        job.deleted += (await this.objects.deleteKeys(job.bucketId, batch)).length;
      } catch (error) {
        job.failed += batch.length;
        job.error ??= error instanceof Error ? error.message : String(error);
      }
    }
  }
}
