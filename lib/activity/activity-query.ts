/**
 * What the activity and mirror-events endpoints accept, and the shapes they answer with. Pure: the
 * console's queries and the server read the same definitions.
 */
import type { MirrorOutcome, MirrorOutcomeKind } from "@/lib/origin/mirror-outcome";
import type { ActivityCounts, Resolution } from "./activity-periods";

/** The time ranges the console offers, in minutes. */
export const ACTIVITY_RANGES = { "1h": 60, "6h": 360, "24h": 1_440, "48h": 2_880, "7d": 10_080, "30d": 43_200, "90d": 129_600 } as const;
export type ActivityRange = keyof typeof ACTIVITY_RANGES;
export const DEFAULT_ACTIVITY_RANGE: ActivityRange = "24h";
/** Ranges up to this many minutes are reported per minute, longer ones per hour. */
export const MINUTE_RESOLUTION_UP_TO = 360;

export const MIRROR_OUTCOMES: readonly MirrorOutcomeKind[] = ["pulled", "missing", "failed", "redirected", "negative-cached", "circuit-open"];

export const EVENTS_PAGE_SIZE = 50;
export const MAX_EVENTS_PAGE_SIZE = 500;

export function resolutionFor(range: ActivityRange): Resolution {
  return ACTIVITY_RANGES[range] <= MINUTE_RESOLUTION_UP_TO ? "minute" : "hour";
}

export function isActivityRange(value: string): value is ActivityRange {
  return Object.hasOwn(ACTIVITY_RANGES, value);
}

export function isMirrorOutcome(value: string): value is MirrorOutcomeKind {
  return (MIRROR_OUTCOMES as readonly string[]).includes(value);
}

export interface RuleActivity extends ActivityCounts {
  /** null: pulls no rule made (FetchObject). */
  ruleId: number | null;
  /** False for a rule deleted since (its history stays). */
  exists: boolean;
}

export interface ActivityPoint extends ActivityCounts {
  /** ISO time of the period's start. */
  start: string;
}

export interface BucketActivity {
  bucket: string;
  range: ActivityRange;
  resolution: Resolution;
  from: string;
  to: string;
  totals: ActivityCounts;
  rules: RuleActivity[];
  series: ActivityPoint[];
}

/** A recorded outcome as the events endpoint lists it: with its row id and the time as ISO text (the bucket is the one asked about). */
export type MirrorEventView = Omit<MirrorOutcome, "bucketId" | "bucketName" | "at"> & { id: number; at: string };

export interface MirrorEventsPage {
  events: MirrorEventView[];
  /** Pass as `before` for the next (older) page; null at the end. */
  nextBefore: number | null;
}
