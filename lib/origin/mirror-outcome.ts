/**
 * What one back-to-origin attempt came to, as the engine reports it. The activity counters, the
 * recent-events list, the metrics and the logs all hear of pulls through this one shape; the engine
 * reports every outcome (GET misses, redirect mode's background fetches, import jobs, FetchObject)
 * to the sink it was built with.
 */
export type MirrorOutcomeKind =
  /** Fetched, verified and committed. */
  | "pulled"
  /** Every origin answered 404. */
  | "missing"
  /** Transport error, timeout, 5xx, digest or size mismatch, storage failure: `reason` says which. */
  | "failed"
  /** Redirect mode answered the client with the origin's address. */
  | "redirected"
  /** Not asked: a recent 404 for this key is remembered (negative cache). */
  | "negative-cached"
  /** Not asked: the origin's circuit breaker is open. */
  | "circuit-open";

/** Who asked for the pull. */
export type MirrorOutcomeSource = "get" | "background" | "import" | "fetch";

export interface MirrorOutcome {
  bucketId: number;
  bucketName: string;
  /** The rule that applied; null for FetchObject, which names its own source. */
  ruleId: number | null;
  key: string;
  outcome: MirrorOutcomeKind;
  source: MirrorOutcomeSource;
  /** The origin's HTTP status when it answered. */
  status: number | null;
  reason: string | null;
  /** The address asked last (the backup when the primary failed over). */
  originUrl: string | null;
  /** Bytes committed (pulled) or received before failing. */
  bytes: number;
  durationMs: number;
  at: Date;
}

export interface MirrorOutcomeSink {
  record(outcome: MirrorOutcome): void;
}
