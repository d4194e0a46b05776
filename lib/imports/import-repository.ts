/**
 * Import jobs and their items in the database: the one place that reads and writes ImportJob and
 * ImportItem rows. Items are the checkpoint: a key is `pending` until a run claims it (`running`),
 * then takes its outcome; a restart resumes from whatever is not done. Counters change in the same
 * transaction as the items they count.
 */
import { serializable } from "@/lib/db/transactions";
import { Prisma, type ImportJob, type PrismaClient } from "@/lib/generated/prisma/client";
import type { ImportJobView, ImportSourceView, ImportState, ItemOutcome } from "./import-schema";

/** Keys inserted per statement (2 parameters each, far below SQLite's and PostgreSQL's limits). */
const INSERT_BATCH = 500;
/**
 * Item ids per UPDATE when outcomes are recorded. Prisma refuses a statement with more than 999
 * parameters on SQLite (P2029, "The query parameter limit supported by your database is
 * exceeded"), and an outcome batch can be larger: outcomes gather while a write is under way, and
 * a failed write's outcomes go back in front of the next. Unsplit, such a batch failed on every
 * attempt: the job stopped recording outcomes for good while its keys stayed claimed.
 */
const UPDATE_BATCH = 500;

/**
 * Inserts keys as pending items of a job, skipping keys the job has (its unique jobId+key); returns
 * how many were new. `ON CONFLICT DO NOTHING` is the same statement on SQLite (3.24+) and
 * PostgreSQL, and the tagged template lets Prisma write each one's placeholders. (Prisma's
 * `createMany` cannot skip duplicates on SQLite.)
 */
function insertPendingItems(tx: Prisma.TransactionClient, jobId: number, keys: string[]): Promise<number> {
  const rows = keys.map((key) => Prisma.sql`(${jobId}, ${key}, 'pending')`);
  return tx.$executeRaw`INSERT INTO "ImportItem" ("jobId", "key", "state") VALUES ${Prisma.join(rows)} ON CONFLICT DO NOTHING`;
}

export type ImportJobRow = ImportJob;

export interface NewImportJob {
  bucketId: number;
  state: ImportState;
  draft: boolean;
  source: ImportSourceView;
  secretSealed: string | null;
  listed: boolean;
  concurrency: number;
  overwrite: boolean;
  requestsPerSecond: number | null;
  bytesPerSecond: number | null;
}

export interface ClaimedItem {
  id: number;
  key: string;
  /** Claimed by a run that ended without recording it (a crash): it may be stored already. */
  interrupted: boolean;
}

export interface ItemResult {
  id: number;
  outcome: ItemOutcome;
  reason: string | null;
  bytes: number;
}

const COUNTER: Record<ItemOutcome, "pulled" | "skipped" | "missing" | "failed" | "noRule"> = {
  pulled: "pulled",
  skipped: "skipped",
  missing: "missing",
  failed: "failed",
  noRule: "noRule",
};

export function sourceOf(job: Pick<ImportJob, "source">): ImportSourceView {
  return JSON.parse(job.source) as ImportSourceView;
}

export function toJobView(job: ImportJob, bucketName: string, now = new Date()): ImportJobView {
  const done = job.pulled + job.skipped + job.missing + job.failed + job.noRule;
  const activeMs = Number(job.activeMs) + (job.runningSince ? Math.max(0, now.getTime() - job.runningSince.getTime()) : 0);
  const seconds = activeMs / 1000;
  const keysPerSecond = seconds > 0 ? done / seconds : 0;
  const bytesPerSecond = seconds > 0 ? Number(job.bytes) / seconds : 0;
  const remaining = job.total - done;
  const etaSeconds = job.state === "running" && job.listed && keysPerSecond > 0 ? Math.ceil(remaining / keysPerSecond) : null;
  return {
    id: job.id,
    bucket: bucketName,
    state: job.state as ImportState,
    source: sourceOf(job),
    concurrency: job.concurrency,
    overwrite: job.overwrite,
    requestsPerSecond: job.requestsPerSecond,
    bytesPerSecond: job.bytesPerSecond,
    total: job.total,
    pulled: job.pulled,
    skipped: job.skipped,
    missing: job.missing,
    failed: job.failed,
    noRule: job.noRule,
    bytes: Number(job.bytes),
    listing: !job.listed,
    error: job.error,
    createdAt: job.createdAt.toISOString(),
    startedAt: job.startedAt?.toISOString() ?? null,
    endedAt: job.endedAt?.toISOString() ?? null,
    rate: { keysPerSecond: Math.round(keysPerSecond * 100) / 100, bytesPerSecond: Math.round(bytesPerSecond) },
    etaSeconds,
  };
}

export class ImportRepository {
  constructor(private readonly db: () => PrismaClient) {}

  async create(job: NewImportJob): Promise<ImportJob> {
    return this.db().importJob.create({ data: { ...job, source: JSON.stringify(job.source) } });
  }

  /** Adds keys (a key already in the job is counted once); returns how many were new. */
  async addKeys(jobId: number, keys: string[]): Promise<number> {
    let added = 0;
    for (let start = 0; start < keys.length; start += INSERT_BATCH) {
      const slice = keys.slice(start, start + INSERT_BATCH);
      added += await this.db().$transaction(async (tx) => {
        const inserted = await insertPendingItems(tx, jobId, slice);
        if (inserted > 0) await tx.importJob.update({ where: { id: jobId }, data: { total: { increment: inserted } } });
        return inserted;
      });
    }
    return added;
  }

  /** Adds one page of an origin listing and moves the listing's cursor, in one transaction. */
  async addListedPage(jobId: number, keys: string[], cursor: string | null): Promise<void> {
    await this.db().$transaction(async (tx) => {
      let inserted = 0;
      for (let start = 0; start < keys.length; start += INSERT_BATCH) {
        inserted += await insertPendingItems(tx, jobId, keys.slice(start, start + INSERT_BATCH));
      }
      await tx.importJob.update({ where: { id: jobId }, data: { total: { increment: inserted }, listCursor: cursor, listed: cursor === null } });
    });
  }

  async publish(jobId: number): Promise<ImportJob> {
    return this.db().importJob.update({ where: { id: jobId }, data: { draft: false } });
  }

  async remove(jobId: number): Promise<void> {
    await this.db().importJob.deleteMany({ where: { id: jobId } });
  }

  /** Drafts a crash left behind (a key list that never arrived whole). */
  async removeDrafts(): Promise<number> {
    return (await this.db().importJob.deleteMany({ where: { draft: true } })).count;
  }

  find(bucketId: number, id: number): Promise<ImportJob | null> {
    return this.db().importJob.findFirst({ where: { id, bucketId, draft: false } });
  }

  findById(id: number): Promise<ImportJob | null> {
    return this.db().importJob.findFirst({ where: { id, draft: false } });
  }

  list(bucketId: number, limit: number): Promise<ImportJob[]> {
    return this.db().importJob.findMany({ where: { bucketId, draft: false }, orderBy: { id: "desc" }, take: limit });
  }

  /** How many (published) jobs are in each state. */
  async countByState(): Promise<Partial<Record<ImportState, number>>> {
    const groups = await this.db().importJob.groupBy({ by: ["state"], where: { draft: false }, _count: { _all: true } });
    return Object.fromEntries(groups.map((group) => [group.state, group._count._all]));
  }

  /** Jobs a runner may have to start or watch, oldest first, with their bucket's name. */
  active(): Promise<(ImportJob & { bucket: { name: string } })[]> {
    return this.db().importJob.findMany({
      where: { state: { in: ["queued", "running"] }, draft: false },
      orderBy: { id: "asc" },
      include: { bucket: { select: { name: true } } },
    });
  }

  /**
   * Moves a job from one of `from` to `to` (with extra column changes), only if it is still in one
   * of them: two requests racing cannot both win. Returns whether it moved.
   */
  async transition(jobId: number, from: ImportState[], to: ImportState, data: Partial<Pick<ImportJob, "endedAt" | "error">> = {}): Promise<boolean> {
    const { count } = await this.db().importJob.updateMany({ where: { id: jobId, state: { in: from }, draft: false }, data: { state: to, ...data } });
    return count === 1;
  }

  /**
   * Starts a queued job for instance `owner`, unless its bucket has a running job already (one
   * running job per bucket, whichever instance runs it). The bucket's row is written first, which
   * serializes instances starting jobs of one bucket: PostgreSQL locks the row until commit (read
   * committed is then enough: the second transaction counts after the first committed), SQLite
   * takes its write lock. Returns whether it started.
   */
  async startQueued(jobId: number, bucketId: number, owner: string): Promise<boolean> {
    return this.db().$transaction(async (tx) => {
      await tx.bucket.update({ where: { id: bucketId }, data: { lastRuleNumber: { increment: 0 } } });
      if ((await tx.importJob.count({ where: { bucketId, state: "running", draft: false } })) > 0) return false;
      const { count } = await tx.importJob.updateMany({ where: { id: jobId, state: "queued", draft: false }, data: { state: "running", error: null, ownerInstance: owner } });
      return count === 1;
    });
  }

  /**
   * A running job whose instance is gone (`previous`, or null for a job from before instances had
   * ids) goes on in instance `owner`: a compare-and-set on the owner, so of two instances taking
   * it over one wins. Returns whether this one did.
   */
  async takeOver(jobId: number, previous: string | null, owner: string): Promise<boolean> {
    const { count } = await this.db().importJob.updateMany({ where: { id: jobId, state: "running", draft: false, ownerInstance: previous }, data: { ownerInstance: owner } });
    return count === 1;
  }

  /**
   * A run starts: the clock for the rate starts, and the first start is recorded. False (nothing
   * written) when the job is no longer running with `owner` as its instance: the runner read it
   * before a pause, a cancel, its end or a takeover was recorded, and the run must do nothing.
   */
  async runStarted(job: ImportJob, now: Date, owner: string | null): Promise<boolean> {
    const { count } = await this.db().importJob.updateMany({
      where: { id: job.id, state: "running", draft: false, ownerInstance: owner },
      data: { runningSince: now, startedAt: job.startedAt ?? now },
    });
    return count === 1;
  }

  /** A run ends: its running time is added up; `finalState` ends the job if it is still running. */
  async runEnded(jobId: number, now: Date, finalState: ImportState | null): Promise<void> {
    // SERIALIZABLE: the job ends only if it is still running as read (a pause or cancel that
    // commits in between must not be overwritten), and the running time adds to the value read.
    await serializable(this.db(), async (tx) => {
      const job = await tx.importJob.findUnique({ where: { id: jobId }, select: { runningSince: true, activeMs: true, state: true } });
      if (!job) return;
      const ran = job.runningSince ? BigInt(Math.max(0, now.getTime() - job.runningSince.getTime())) : 0n;
      const ends = finalState !== null && job.state === "running";
      await tx.importJob.update({
        where: { id: jobId },
        data: { runningSince: null, activeMs: job.activeMs + ran, ...(ends ? { state: finalState, endedAt: now } : {}) },
      });
    });
  }

  /** The next items to do after `afterId`, claimed (`running`) so that a crash leaves them marked. */
  async claim(jobId: number, afterId: number, limit: number): Promise<ClaimedItem[]> {
    const rows = await this.db().importItem.findMany({
      where: { jobId, state: { in: ["pending", "running"] }, id: { gt: afterId } },
      orderBy: { id: "asc" },
      take: limit,
      select: { id: true, key: true, state: true },
    });
    const fresh = rows.filter((row) => row.state === "pending").map((row) => row.id);
    if (fresh.length > 0) await this.db().importItem.updateMany({ where: { id: { in: fresh } }, data: { state: "running" } });
    return rows.map((row) => ({ id: row.id, key: row.key, interrupted: row.state === "running" }));
  }

  /** Claimed items a stopped run did not start: pending again. */
  async release(ids: number[]): Promise<void> {
    if (ids.length > 0) await this.db().importItem.updateMany({ where: { id: { in: ids }, state: "running" }, data: { state: "pending" } });
  }

  /** Records outcomes and adds them to the job's counters, in one transaction. */
  async record(jobId: number, results: ItemResult[]): Promise<void> {
    if (results.length === 0) return;
    const counts = { pulled: 0, skipped: 0, missing: 0, failed: 0, noRule: 0 };
    let bytes = 0;
    for (const result of results) {
      counts[COUNTER[result.outcome]] += 1;
      bytes += result.bytes;
    }
    // One statement per distinct (outcome, reason) and UPDATE_BATCH items, not per item: most of a batch shares both.
    const groups = new Map<string, { outcome: ItemOutcome; reason: string | null; ids: number[] }>();
    for (const result of results) {
      const group = JSON.stringify([result.outcome, result.reason]);
      const found = groups.get(group) ?? groups.set(group, { outcome: result.outcome, reason: result.reason, ids: [] }).get(group)!;
      found.ids.push(result.id);
    }
    const updates = [...groups.values()].flatMap(({ outcome, reason, ids }) =>
      Array.from({ length: Math.ceil(ids.length / UPDATE_BATCH) }, (_, index) =>
        this.db().importItem.updateMany({ where: { id: { in: ids.slice(index * UPDATE_BATCH, (index + 1) * UPDATE_BATCH) } }, data: { state: outcome, reason } }),
      ),
    );
    await this.db().$transaction([
      ...updates,
      this.db().importJob.update({
        where: { id: jobId },
        data: {
          pulled: { increment: counts.pulled },
          skipped: { increment: counts.skipped },
          missing: { increment: counts.missing },
          failed: { increment: counts.failed },
          noRule: { increment: counts.noRule },
          bytes: { increment: BigInt(bytes) },
        },
      }),
    ]);
  }

  /** Failed items become pending again and leave the failed count; the job queues again. */
  async retryFailed(jobId: number): Promise<boolean> {
    return this.db().$transaction(async (tx) => {
      const { count } = await tx.importJob.updateMany({
        where: { id: jobId, state: "completed_with_failures" },
        data: { state: "queued", endedAt: null, error: null },
      });
      if (count === 0) return false;
      const reset = await tx.importItem.updateMany({ where: { jobId, state: "failed" }, data: { state: "pending", reason: null } });
      await tx.importJob.update({ where: { id: jobId }, data: { failed: { decrement: reset.count } } });
      return true;
    });
  }

  /** Failed items after item id `afterId`, in order. */
  failures(jobId: number, afterId: number, limit: number): Promise<{ id: number; key: string; reason: string | null }[]> {
    return this.db().importItem.findMany({
      where: { jobId, state: "failed", id: { gt: afterId } },
      orderBy: { id: "asc" },
      take: limit,
      select: { id: true, key: true, reason: true },
    });
  }
}
