/**
 * Reads of the back-to-origin activity for the management API: counters per rule and over time,
 * and the recent events. What the recorder still holds in memory is written first, so a pull that
 * has been answered is in the next read.
 */
import { findBucketRecord } from "@/lib/buckets/bucket-service";
import { NoSuchBucket } from "@/lib/domain/errors";
import { db } from "@/lib/db/client";
import { listRulesForBucketId } from "@/lib/mirroring/rule-service";
import { currentApp } from "@/lib/runtime/current-app";
import type { MirrorOutcomeKind, MirrorOutcomeSource } from "@/lib/origin/mirror-outcome";
import { COUNTED_FIELDS, RESOLUTION_MINUTES, addCounts, emptyCounts, periodStart, type ActivityCounts } from "./activity-periods";
import {
  ACTIVITY_RANGES,
  EVENTS_PAGE_SIZE,
  resolutionFor,
  type ActivityRange,
  type BucketActivity,
  type MirrorEventsPage,
  type RuleActivity,
} from "./activity-query";
import { NO_RULE_ID } from "./activity-recorder";

/** The bucket, after writing what the recorder holds (NoSuchBucket when there is none). */
async function flushedBucket(name: string): Promise<{ id: number; name: string }> {
  const bucket = await findBucketRecord(name);
  if (!bucket) throw new NoSuchBucket(name);
  await currentApp().activity.flush();
  return bucket;
}

type CounterRow = { ruleId: number; periodStart: number; bytes: bigint } & Omit<ActivityCounts, "bytes">;

function countsOf(row: CounterRow): ActivityCounts {
  const counts = emptyCounts();
  counts.bytes = Number(row.bytes);
  for (const field of COUNTED_FIELDS) counts[field] = row[field];
  return counts;
}

export async function bucketActivity(bucketName: string, range: ActivityRange, now = Date.now()): Promise<BucketActivity> {
  const { id: bucketId, name } = await flushedBucket(bucketName);
  const resolution = resolutionFor(range);
  const step = RESOLUTION_MINUTES[resolution];
  const last = periodStart(now, resolution);
  const first = last - Math.ceil(ACTIVITY_RANGES[range] / step) * step + step;
  const [rows, rules] = await Promise.all([
    db().mirrorActivity.findMany({ where: { bucketId, resolution, periodStart: { gte: first } }, orderBy: { periodStart: "asc" } }),
    listRulesForBucketId(bucketId),
  ]);

  const totals = emptyCounts();
  const byRule = new Map<number, ActivityCounts>(rules.map((rule) => [rule.id, emptyCounts()]));
  const byPeriod = new Map<number, ActivityCounts>();
  for (const row of rows) {
    const counts = countsOf(row);
    addCounts(totals, counts);
    if (!byRule.has(row.ruleId)) byRule.set(row.ruleId, emptyCounts());
    addCounts(byRule.get(row.ruleId)!, counts);
    if (!byPeriod.has(row.periodStart)) byPeriod.set(row.periodStart, emptyCounts());
    addCounts(byPeriod.get(row.periodStart)!, counts);
  }
  const ruleIds = new Set(rules.map((rule) => rule.id));
  const ruleActivity: RuleActivity[] = [...byRule].map(([ruleId, counts]) => ({
    ruleId: ruleId === NO_RULE_ID ? null : ruleId,
    exists: ruleIds.has(ruleId),
    ...counts,
  }));
  // Every period of the range, empty ones included, so a chart's time axis is continuous.
  const series = [];
  for (let start = first; start <= last; start += step) {
    series.push({ start: new Date(start * 60_000).toISOString(), ...(byPeriod.get(start) ?? emptyCounts()) });
  }
  return {
    bucket: name,
    range,
    resolution,
    from: new Date(first * 60_000).toISOString(),
    to: new Date((last + step) * 60_000).toISOString(),
    totals,
    rules: ruleActivity,
    series,
  };
}

export async function listMirrorEvents(
  bucketName: string,
  { outcomes, before, limit = EVENTS_PAGE_SIZE }: { outcomes?: MirrorOutcomeKind[]; before?: number; limit?: number },
): Promise<MirrorEventsPage> {
  const { id: bucketId } = await flushedBucket(bucketName);
  const rows = await db().mirrorEvent.findMany({
    where: { bucketId, ...(outcomes && outcomes.length > 0 ? { outcome: { in: outcomes } } : {}), ...(before ? { id: { lt: before } } : {}) },
    orderBy: { id: "desc" },
    take: limit + 1,
  });
  const page = rows.slice(0, limit);
  return {
    events: page.map((row) => ({
      id: row.id,
      key: row.key,
      at: row.at.toISOString(),
      ruleId: row.ruleId,
      outcome: row.outcome as MirrorOutcomeKind,
      source: row.source as MirrorOutcomeSource,
      status: row.status,
      reason: row.reason,
      originUrl: row.originUrl,
      bytes: Number(row.bytes),
      durationMs: row.durationMs,
    })),
    nextBefore: rows.length > limit ? page[page.length - 1]!.id : null,
  };
}
