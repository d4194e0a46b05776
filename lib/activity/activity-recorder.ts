/**
 * The back-to-origin outcomes' memory: per bucket and rule counters in time buckets, and a bounded
 * list of recent events per bucket, in the database so they survive a restart. `record()` runs on
 * the request path and only adds to memory; a timer writes what gathered in one transaction per
 * interval (and `close()` writes the rest), so a burst of misses costs one write, not one each.
 */
import { serializable } from "@/lib/db/transactions";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import type { MirrorOutcome, MirrorOutcomeSink } from "@/lib/origin/mirror-outcome";
import { OUTCOME_FIELD, RETENTION_MINUTES, addCounts, emptyCounts, periodStart, type ActivityCounts, type Resolution } from "./activity-periods";

/** A pull no rule made (FetchObject) is counted under rule 0. */
export const NO_RULE_ID = 0;
/** Recent events kept per bucket; older ones are removed as new ones arrive. */
export const EVENTS_PER_BUCKET = 1_000;
/** Events waiting for the next write at most; past it the oldest are dropped (and counted). */
const MAX_PENDING_EVENTS = 10_000;
const PRUNE_INTERVAL_MS = 10 * 60_000;
/** Longest text kept of a key, reason or URL in an event. */
const MAX_TEXT = 2_048;

export interface ActivityRecorderOptions {
  flushIntervalMs: number;
  /** Hears of a write that failed (the counters are kept and retried at the next interval). */
  onError: (error: unknown) => void;
  now?: () => number;
}

interface PendingCounter {
  bucketId: number;
  ruleId: number;
  minute: number;
  counts: ActivityCounts;
}

const clip = (text: string | null): string | null => (text === null || text.length <= MAX_TEXT ? text : `${text.slice(0, MAX_TEXT - 1)}…`);

export class ActivityRecorder implements MirrorOutcomeSink {
  private counters = new Map<string, PendingCounter>();
  private events: MirrorOutcome[] = [];
  private dropped = 0;
  private writing: Promise<void> = Promise.resolve();
  private lastPrune = 0;
  private readonly timer: NodeJS.Timeout;
  private readonly now: () => number;

  constructor(
    private readonly db: () => PrismaClient,
    private readonly options: ActivityRecorderOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.timer = setInterval(() => void this.flush(), options.flushIntervalMs);
    this.timer.unref();
  }

  record(outcome: MirrorOutcome): void {
    const ruleId = outcome.ruleId ?? NO_RULE_ID;
    const minute = periodStart(outcome.at, "minute");
    const id = `${outcome.bucketId} ${ruleId} ${minute}`;
    let counter = this.counters.get(id);
    if (!counter) this.counters.set(id, (counter = { bucketId: outcome.bucketId, ruleId, minute, counts: emptyCounts() }));
    counter.counts[OUTCOME_FIELD[outcome.outcome]] += 1;
    if (outcome.outcome === "pulled") counter.counts.bytes += outcome.bytes;
    this.events.push(outcome);
    if (this.events.length > MAX_PENDING_EVENTS) {
      this.events.shift();
      this.dropped += 1;
    }
  }

  /** Events dropped because writes could not keep up (they are still counted). */
  get droppedEvents(): number {
    return this.dropped;
  }

  /** Writes what has gathered; resolves once it is in the database (or the write failed). */
  flush(): Promise<void> {
    this.writing = this.writing.then(() => this.write());
    return this.writing;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  private async write(): Promise<void> {
    const counters = this.counters;
    const events = this.events;
    if (counters.size === 0 && events.length === 0 && this.now() - this.lastPrune < PRUNE_INTERVAL_MS) return;
    this.counters = new Map();
    this.events = [];
    try {
      // SERIALIZABLE: the buckets read as live are the ones written for (a bucket deleted in between
      // would fail the batch), and the trim keeps the newest events as counted.
      await serializable(this.db(), async (tx) => {
        const bucketIds = [...new Set([...[...counters.values()].map((c) => c.bucketId), ...events.map((e) => e.bucketId)])];
        // A bucket deleted since (its rows went with it) has nothing to record.
        const live = new Set((await tx.bucket.findMany({ where: { id: { in: bucketIds } }, select: { id: true } })).map((b) => b.id));
        for (const row of periodRows(counters.values(), live)) {
          const where = { bucketId: row.bucketId, resolution: row.resolution, periodStart: row.periodStart, ruleId: row.ruleId };
          const { bytes, ...counts } = row.counts;
          await tx.mirrorActivity.upsert({
            where: { bucketId_resolution_periodStart_ruleId: where },
            create: { ...where, ...counts, bytes: BigInt(bytes) },
            update: {
              bytes: { increment: BigInt(bytes) },
              ...Object.fromEntries(Object.entries(counts).map(([field, value]) => [field, { increment: value }])),
            },
          });
        }
        const kept = events.filter((event) => live.has(event.bucketId));
        if (kept.length > 0) {
          await tx.mirrorEvent.createMany({
            data: kept.map((event) => ({
              bucketId: event.bucketId,
              ruleId: event.ruleId,
              key: clip(event.key)!,
              outcome: event.outcome,
              source: event.source,
              status: event.status,
              reason: clip(event.reason),
              originUrl: clip(event.originUrl),
              bytes: BigInt(event.bytes),
              durationMs: Math.round(event.durationMs),
              at: event.at,
            })),
          });
          for (const bucketId of new Set(kept.map((event) => event.bucketId))) {
            const oldestKept = await tx.mirrorEvent.findFirst({ where: { bucketId }, orderBy: { id: "desc" }, skip: EVENTS_PER_BUCKET - 1, select: { id: true } });
            if (oldestKept) await tx.mirrorEvent.deleteMany({ where: { bucketId, id: { lt: oldestKept.id } } });
          }
        }
      });
      if (this.now() - this.lastPrune >= PRUNE_INTERVAL_MS) await this.prune();
    } catch (error) {
      this.restore(counters, events);
      this.options.onError(error);
    }
  }

  /** Removes counters past their resolution's retention. */
  private async prune(): Promise<void> {
    this.lastPrune = this.now();
    const minuteNow = periodStart(this.now(), "minute");
    for (const resolution of ["minute", "hour"] as const) {
      await this.db().mirrorActivity.deleteMany({ where: { resolution, periodStart: { lt: minuteNow - RETENTION_MINUTES[resolution] } } });
    }
  }

  /** A failed write's counters and events wait for the next one (events within the bound). */
  private restore(counters: Map<string, PendingCounter>, events: MirrorOutcome[]): void {
    for (const [id, counter] of counters) {
      const current = this.counters.get(id);
      if (current) addCounts(current.counts, counter.counts);
      else this.counters.set(id, counter);
    }
    const merged = [...events, ...this.events];
    const excess = Math.max(0, merged.length - MAX_PENDING_EVENTS);
    this.dropped += excess;
    this.events = merged.slice(excess);
  }
}

/** The minute counters, and the hour counters they add up to, of the buckets that still exist. */
function periodRows(counters: Iterable<PendingCounter>, live: Set<number>) {
  const rows = new Map<string, { bucketId: number; ruleId: number; resolution: Resolution; periodStart: number; counts: ActivityCounts }>();
  for (const counter of counters) {
    if (!live.has(counter.bucketId)) continue;
    for (const resolution of ["minute", "hour"] as const) {
      const start = periodStart(counter.minute * 60_000, resolution);
      const id = `${counter.bucketId} ${counter.ruleId} ${resolution} ${start}`;
      let row = rows.get(id);
      if (!row) rows.set(id, (row = { bucketId: counter.bucketId, ruleId: counter.ruleId, resolution, periodStart: start, counts: emptyCounts() }));
      addCounts(row.counts, counter.counts);
    }
  }
  return rows.values();
}
