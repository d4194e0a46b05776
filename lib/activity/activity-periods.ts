/**
 * The activity counters' time buckets: per minute for 48 hours, per hour for 90 days. Periods are
 * named by their first minute since the Unix epoch, so both resolutions share one integer scale.
 */
import type { MirrorOutcomeKind } from "@/lib/origin/mirror-outcome";

export type Resolution = "minute" | "hour";

export const RESOLUTION_MINUTES: Record<Resolution, number> = { minute: 1, hour: 60 };

/** How long each resolution's rows are kept. */
export const RETENTION_MINUTES: Record<Resolution, number> = { minute: 48 * 60, hour: 90 * 24 * 60 };

export function periodStart(at: Date | number, resolution: Resolution): number {
  const minutes = Math.floor((typeof at === "number" ? at : at.getTime()) / 60_000);
  return minutes - (minutes % RESOLUTION_MINUTES[resolution]);
}

/** The counters of one period, as stored and as the API reports them. */
export interface ActivityCounts {
  pulled: number;
  bytes: number;
  missing: number;
  failed: number;
  redirected: number;
  negativeCached: number;
  circuitOpen: number;
}

export const COUNTED_FIELDS = ["pulled", "missing", "failed", "redirected", "negativeCached", "circuitOpen"] as const;

/** Which counter an outcome adds to. */
export const OUTCOME_FIELD: Record<MirrorOutcomeKind, (typeof COUNTED_FIELDS)[number]> = {
  pulled: "pulled",
  missing: "missing",
  failed: "failed",
  redirected: "redirected",
  "negative-cached": "negativeCached",
  "circuit-open": "circuitOpen",
};

export const emptyCounts = (): ActivityCounts => ({ pulled: 0, bytes: 0, missing: 0, failed: 0, redirected: 0, negativeCached: 0, circuitOpen: 0 });

export function addCounts(into: ActivityCounts, from: ActivityCounts): void {
  into.bytes += from.bytes;
  for (const field of COUNTED_FIELDS) into[field] += from[field];
}
