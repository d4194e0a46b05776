/**
 * BackgroundJob rows: the one place that reads and writes them. A running job belongs to one
 * instance (`ownerInstance`); every write of a running job's progress or end is conditional on
 * that owner, so an instance that was taken for dead (a stall longer than its lease) and whose job
 * went on elsewhere cannot overwrite the new owner's progress: it learns that it lost the job.
 *
 * Isolation: read committed is enough for each single conditional write (PostgreSQL re-checks an
 * UPDATE's WHERE on the row it locks; SQLite has one writer). Creating a job that must be the only
 * running one of its kind for a bucket first writes the bucket's row, which serializes instances
 * creating such jobs for one bucket (a row lock until commit on PostgreSQL, SQLite's write lock),
 * as starting a queued import job does (lib/imports/import-repository.ts).
 */
import type { BackgroundJob, Prisma, PrismaClient } from "@/lib/generated/prisma/client";

export type BackgroundJobRow = BackgroundJob;
export type JobKind = "empty-bucket" | "fetch-object";
export type JobState = "running" | "completed" | "failed";

export interface NewJob {
  id: string;
  kind: JobKind;
  bucketId: number;
  owner: string;
  input: unknown;
  total?: number;
}

/** What a running job records as it goes (added to `done` and `failed`). */
export interface JobProgress {
  done?: number;
  failed?: number;
  checkpoint?: string | null;
  /** Kept only when none is recorded yet (the first failure's reason). */
  error?: string | null;
}

export interface JobEnd {
  state: Exclude<JobState, "running">;
  error?: string | null;
  remaining?: number | null;
  done?: number;
}

/**
 * A write that belongs with a job's start or end (its audit event): it runs in the same transaction,
 * so the job never starts or ends without it, and it never stands without the start or end.
 */
export type AlongsideJob = (job: BackgroundJob, tx: Prisma.TransactionClient) => Promise<void>;

/** The job was taken over by another instance: this one must stop working on it. */
export class JobLost extends Error {
  constructor(readonly jobId: string) {
    super(`job ${jobId} goes on in another instance`);
  }
}

export class JobRepository {
  constructor(private readonly db: () => PrismaClient) {}

  create(job: NewJob): Promise<BackgroundJob> {
    return this.db().backgroundJob.create({
      data: { id: job.id, kind: job.kind, bucketId: job.bucketId, state: "running", ownerInstance: job.owner, input: JSON.stringify(job.input), total: job.total ?? 0 },
    });
  }

  /**
   * Creates the job unless the bucket has a running job of its kind already, which it returns
   * instead (`created: false`): one at a time per bucket, whichever instance runs it. `alongside`
   * is written with a created job (not with one found running).
   */
  async createExclusive(job: NewJob, alongside?: AlongsideJob): Promise<{ job: BackgroundJob; created: boolean }> {
    return this.db().$transaction(async (tx) => {
      await tx.bucket.update({ where: { id: job.bucketId }, data: { lastRuleNumber: { increment: 0 } } });
      const running = await tx.backgroundJob.findFirst({ where: { bucketId: job.bucketId, kind: job.kind, state: "running" }, orderBy: { createdAt: "desc" } });
      if (running) return { job: running, created: false };
      const created = await tx.backgroundJob.create({
        data: { id: job.id, kind: job.kind, bucketId: job.bucketId, state: "running", ownerInstance: job.owner, input: JSON.stringify(job.input), total: job.total ?? 0 },
      });
      await alongside?.(created, tx);
      return { job: created, created: true };
    });
  }

  /** The bucket's newest job of this kind (running or ended), or null. */
  latest(bucketId: number, kind: JobKind): Promise<BackgroundJob | null> {
    return this.db().backgroundJob.findFirst({ where: { bucketId, kind }, orderBy: [{ createdAt: "desc" }, { id: "desc" }] });
  }

  /** Every running job, with its bucket's name (a runner looks for jobs whose owner is gone). */
  running(): Promise<(BackgroundJob & { bucket: { name: string } })[]> {
    return this.db().backgroundJob.findMany({ where: { state: "running" }, orderBy: { createdAt: "asc" }, include: { bucket: { select: { name: true } } } });
  }

  /** A compare-and-set on the owner: of two instances taking over one job, one wins. */
  async takeOver(id: string, previous: string | null, owner: string): Promise<boolean> {
    const { count } = await this.db().backgroundJob.updateMany({ where: { id, state: "running", ownerInstance: previous }, data: { ownerInstance: owner } });
    return count === 1;
  }

  /** Records progress of a job `owner` runs; throws JobLost when it is not its job any more. */
  async progress(id: string, owner: string, progress: JobProgress): Promise<void> {
    const data = {
      ...(progress.done ? { done: { increment: progress.done } } : {}),
      ...(progress.failed ? { failed: { increment: progress.failed } } : {}),
      ...(progress.checkpoint !== undefined ? { checkpoint: progress.checkpoint } : {}),
    };
    const where = { id, state: "running", ownerInstance: owner };
    const { error } = progress;
    // With a reason, the counts and the reason are one write: no reader sees a failure without it.
    const count = error
      ? await this.db().$transaction(async (tx) => {
          const { count } = await tx.backgroundJob.updateMany({ where, data });
          if (count === 1) await tx.backgroundJob.updateMany({ where: { ...where, error: null }, data: { error } });
          return count;
        })
      : (await this.db().backgroundJob.updateMany({ where, data })).count;
    if (count === 0) throw new JobLost(id);
  }

  /**
   * Ends a job `owner` runs, with `alongside` in the same transaction; resolves with the ended row,
   * or null when it was not its job any more (nothing written).
   */
  async finish(id: string, owner: string, end: JobEnd, alongside?: AlongsideJob): Promise<BackgroundJob | null> {
    return this.db().$transaction(async (tx) => {
      const { count } = await tx.backgroundJob.updateMany({
        where: { id, state: "running", ownerInstance: owner },
        data: {
          state: end.state,
          finishedAt: new Date(),
          ...(end.remaining !== undefined ? { remaining: end.remaining } : {}),
          ...(end.done !== undefined ? { done: end.done } : {}),
        },
      });
      if (count === 0) return null;
      if (end.error) await tx.backgroundJob.updateMany({ where: { id, error: null }, data: { error: end.error } });
      const ended = await tx.backgroundJob.findUniqueOrThrow({ where: { id } });
      await alongside?.(ended, tx);
      return ended;
    });
  }
}
