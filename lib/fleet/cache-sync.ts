/**
 * Keeps this instance's caches coherent with writes made by the others: polls the change log
 * (cache-changes.ts) every CACHE_SYNC_MS and forgets every cached copy a change names. The bound:
 * another instance's write is visible here at most CACHE_SYNC_MS plus one poll's query after it
 * committed; this instance's own writes update its caches at once, as before.
 *
 * Sequence numbers are handed out before commit, so on PostgreSQL a change can commit after one
 * with a higher number: the poller reads from the lowest number it has not seen, and a hole
 * (a rolled-back or not yet committed transaction) is waited for GAP_WAIT_MS before it is given up.
 * (SQLite has one writer at a time: numbers commit in order, and holes never appear.)
 * The seam for PostgreSQL's LISTEN/NOTIFY is `syncNow()`: a notification calls it, the interval
 * stays as the fallback.
 */
import type { PrismaClient } from "@/lib/generated/prisma/client";
import type { CacheChangeScope } from "./cache-changes";

export interface CacheInvalidation {
  object(bucketId: number, key: string): void;
  bucket(bucketId: number, name: string): void;
  rules(bucketId: number): void;
  accessKey(accessKeyId: string): void;
  /** Everything: this instance may have missed changes (it could not poll for longer than the log keeps them). */
  all(): void;
}

export interface CacheSyncOptions {
  intervalMs: number;
  onError: (error: unknown) => void;
}

/** A hole in the sequence is waited for this long: longer than any write transaction takes. */
const GAP_WAIT_MS = 10_000;
/** The log keeps changes this long; an instance that could not poll for half of it forgets everything. */
const KEEP_CHANGES_MS = 10 * 60_000;
/** Changes read per query. */
const PAGE = 1_000;
/** How often one instance prunes the log (every instance does, idempotently). */
const PRUNE_EVERY_MS = 60_000;

export class CacheSync {
  /** Every change up to this number has been applied (or given up). */
  private cursor = 0;
  /** Changes above the cursor already applied, and holes below them, with when each hole was first seen. */
  private readonly applied = new Set<number>();
  private readonly holes = new Map<number, number>();
  private lastSynced = Date.now();
  private lastPruned = 0;
  private timer: NodeJS.Timeout | null = null;
  private syncing: Promise<void> | null = null;
  private started: Promise<void> | null = null;

  constructor(
    private readonly db: () => PrismaClient,
    private readonly invalidate: CacheInvalidation,
    private readonly options: CacheSyncOptions,
  ) {}

  /** Polls from now on, from the log's end (this instance's caches are empty). */
  start(): Promise<void> {
    if (!this.timer) {
      this.timer = setInterval(() => void this.syncNow().catch(this.options.onError), this.options.intervalMs);
      this.timer.unref();
    }
    return this.ready();
  }

  /** The cursor at the log's end, read once (a failed read is tried again at the next poll). */
  private ready(): Promise<void> {
    this.started ??= (async () => {
      const last = await this.db().cacheChange.findFirst({ orderBy: { seq: "desc" }, select: { seq: true } });
      this.cursor = last?.seq ?? 0;
      this.lastSynced = Date.now();
    })();
    this.started.catch(() => (this.started = null));
    return this.started;
  }

  /** Applies every change committed so far (one poll; concurrent calls share it). */
  syncNow(): Promise<void> {
    return (this.syncing ??= this.poll().finally(() => (this.syncing = null)));
  }

  private async poll(): Promise<void> {
    await this.ready();
    const startedAt = Date.now();
    if (startedAt - this.lastSynced > KEEP_CHANGES_MS / 2) this.invalidate.all();
    // From the cursor: holes below changes already applied are looked at again.
    let after = this.cursor;
    for (;;) {
      const rows = await this.db().cacheChange.findMany({ where: { seq: { gt: after } }, orderBy: { seq: "asc" }, take: PAGE });
      for (const row of rows) {
        this.holes.delete(row.seq);
        if (this.applied.has(row.seq)) continue;
        this.apply(row.scope as CacheChangeScope, row.bucketId, row.name);
        this.applied.add(row.seq);
      }
      const highest = rows.at(-1)?.seq ?? after;
      for (let seq = after + 1; seq < highest; seq += 1) if (!this.applied.has(seq) && !this.holes.has(seq)) this.holes.set(seq, startedAt);
      after = highest;
      if (rows.length < PAGE) break;
    }
    this.advance(startedAt);
    this.lastSynced = startedAt;
    if (startedAt - this.lastPruned > PRUNE_EVERY_MS) {
      this.lastPruned = startedAt;
      await this.db().cacheChange.deleteMany({ where: { at: { lt: new Date(startedAt - KEEP_CHANGES_MS) } } });
    }
  }

  /** Moves the cursor over applied changes and holes waited for long enough. */
  private advance(now: number): void {
    for (;;) {
      const next = this.cursor + 1;
      if (this.applied.delete(next)) {
        this.cursor = next;
        continue;
      }
      const seen = this.holes.get(next);
      if (seen !== undefined && now - seen >= GAP_WAIT_MS) {
        this.holes.delete(next);
        this.cursor = next;
        continue;
      }
      return;
    }
  }

  private apply(scope: CacheChangeScope, bucketId: number, name: string): void {
    if (scope === "object") this.invalidate.object(bucketId, name);
    else if (scope === "bucket") this.invalidate.bucket(bucketId, name);
    else if (scope === "accessKey") this.invalidate.accessKey(name);
    else this.invalidate.rules(bucketId);
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.syncing?.catch(() => undefined);
  }
}
