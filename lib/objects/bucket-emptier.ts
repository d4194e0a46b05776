/**
 * "Empty bucket": deletes every object of a bucket through the object service, as a background job
 * (lib/jobs/) that the console polls. The job is a database row, so its progress reads the same
 * from every instance, and it does not end with the instance running it: the instance that accepts
 * it runs it, and when that instance stops or dies another (or the next start) takes it over and
 * goes on from its checkpoint. One job per bucket at a time across instances; starting one while
 * another runs returns the running job.
 *
 * The walk goes forward through the listing by marker, so a key that cannot be deleted is counted
 * once and passed, never retried forever; the marker is the checkpoint, saved once a page is done.
 * A job taken over after a crash lists that page again: what was deleted is gone and is not counted
 * again (so `deleted` can fall short by what the last batch deleted before the crash). Objects
 * written while the job runs may be behind the marker: the job counts what is left when it ends and
 * says so (`remaining`), and the bucket can only be deleted once nothing is left, which
 * deleteBucket checks in its own transaction.
 */
import { randomUUID } from "node:crypto";
import type { Prisma } from "@/lib/generated/prisma/client";
import { JobLost, type BackgroundJobRow, type JobEnd } from "@/lib/jobs/job-repository";
import type { JobContext, JobHandler, JobRunner } from "@/lib/jobs/job-runner";
import type { ObjectService } from "./object-service";

export type EmptyJobState = "running" | "completed" | "failed";

export interface EmptyJob {
  id: string;
  bucketId: number;
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

/** Who asked, kept with the job for the audit log: the job may end on another instance. */
export interface EmptyJobInput {
  bucket: string;
  actor: string;
  requestId: string;
}

/** Writes that go with the job's start and end, in the transaction that records each (the audit log). */
export interface EmptyJobHooks {
  /** With the job's creation: a failure there creates no job. */
  onStarted: (job: EmptyJob, input: EmptyJobInput, tx: Prisma.TransactionClient) => Promise<void>;
  /** With the job's end, on whichever instance ended it: a failure there leaves the job running, to end again. */
  onFinished: (job: EmptyJob, input: EmptyJobInput, tx: Prisma.TransactionClient) => Promise<void>;
}

export interface EmptierOptions {
  /** Keys read per listing page. */
  pageSize: number;
  /** Keys deleted per batch: small enough for the progress to move, large enough to be cheap. */
  batchSize: number;
  /** A pause after each batch (0: none; tests use it to be sure to catch a job in the middle). */
  pauseMs: number;
}

export const DEFAULT_EMPTIER_OPTIONS: EmptierOptions = { pageSize: 1000, batchSize: 250, pauseMs: 0 };

const KIND = "empty-bucket";

export function toEmptyJob(row: BackgroundJobRow): EmptyJob {
  return {
    id: row.id,
    bucketId: row.bucketId,
    state: row.state as EmptyJobState,
    startedAt: row.createdAt,
    finishedAt: row.finishedAt,
    total: row.total,
    deleted: row.done,
    failed: row.failed,
    remaining: row.remaining,
    error: row.error,
  };
}

const reasonOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

export class BucketEmptier implements JobHandler {
  private readonly options: EmptierOptions;

  constructor(
    private readonly objects: ObjectService,
    private readonly jobs: JobRunner,
    private readonly hooks: EmptyJobHooks,
    options: Partial<EmptierOptions> = {},
  ) {
    this.options = { ...DEFAULT_EMPTIER_OPTIONS, ...options };
    jobs.handle(KIND, this);
  }

  /** The bucket's running job, or the last one that ran (on any instance); null if none. */
  async current(bucketId: number): Promise<EmptyJob | null> {
    const row = await this.jobs.repository.latest(bucketId, KIND);
    return row ? toEmptyJob(row) : null;
  }

  /** Starts emptying the bucket on this instance, or returns the job already running for it, wherever it runs (`started: false`). */
  async start(bucket: { id: number; name: string }, input: EmptyJobInput): Promise<{ job: EmptyJob; started: boolean }> {
    const total = await this.objects.count(bucket.id);
    const { job, created } = await this.jobs.repository.createExclusive(
      { id: randomUUID(), kind: KIND, bucketId: bucket.id, owner: this.jobs.instanceId, input, total },
      (row, tx) => this.hooks.onStarted(toEmptyJob(row), input, tx),
    );
    if (!created) return { job: toEmptyJob(job), started: false };
    this.jobs.launch(job);
    return { job: toEmptyJob(job), started: true };
  }

  async run(row: BackgroundJobRow, context: JobContext): Promise<JobEnd | null> {
    let marker = row.checkpoint ?? "";
    let end: JobEnd = { state: "completed" };
    try {
      for (;;) {
        if (context.stopping) return null;
        const page = await this.objects.list(row.bucketId, { prefix: "", delimiter: "", marker, maxKeys: this.options.pageSize });
        const keys = page.objects.map((object) => object.key);
        await this.deleteAll(row, keys, context);
        if (!page.isTruncated || keys.length === 0) break;
        marker = keys[keys.length - 1]!;
        await context.progress({ checkpoint: marker });
      }
    } catch (error) {
      if (error instanceof JobLost) throw error;
      end = { state: "failed", error: reasonOf(error) };
    }
    return { ...end, remaining: await this.objects.count(row.bucketId).catch(() => null) };
  }

  async recordEnd(row: BackgroundJobRow, tx: Prisma.TransactionClient): Promise<void> {
    await this.hooks.onFinished(toEmptyJob(row), JSON.parse(row.input) as EmptyJobInput, tx);
  }

  /** Deletes `keys` in batches (a few database writes each), recording the count after each. */
  private async deleteAll(row: BackgroundJobRow, keys: string[], context: JobContext): Promise<void> {
    for (let i = 0; i < keys.length; i += this.options.batchSize) {
      const batch = keys.slice(i, i + this.options.batchSize);
      let deleted: string[];
      try {
        // Keys someone else deleted meanwhile are not counted: the bucket is as empty either way.
        deleted = await this.objects.deleteKeys(row.bucketId, batch);
      } catch (error) {
        await context.progress({ failed: batch.length, error: reasonOf(error) });
        continue;
      }
      await context.progress({ done: deleted.length });
      if (this.options.pauseMs > 0) await new Promise((resolve) => setTimeout(resolve, this.options.pauseMs));
    }
  }
}
