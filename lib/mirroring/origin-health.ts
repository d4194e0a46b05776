/**
 * How a bucket's origins are doing, as the management API answers `GET
 * /api/buckets/{bucket}/origins-health` and the console shows it beside the rules. Pure: the
 * browser reads the same types.
 */
import type { Origin } from "./rule-schema";

export interface OriginHealthView {
  /** The origin host as the engine limits and guards it: `host[:port]` (no default port). */
  origin: string;
  /** The rules whose primary or backup origin it is. */
  ruleIds: number[];
  /** `open`: misses fail fast until `retryAt`; `half-open`: one probe is on its way. */
  circuit: "closed" | "open" | "half-open";
  unavailableSince: string | null;
  retryAt: string | null;
  /** Failures within the breaker's window (transport errors, timeouts, 5xx). */
  recentFailures: number;
  lastFailure: string | null;
  /** Requests to it in flight now, and waiting for a turn (from every bucket). */
  inflight: number;
  queued: number;
}

/** The key an origin is limited and guarded under: what `new URL(address).host` gives for its addresses. */
export function originHostKey(origin: Origin | null): string | null {
  if (origin?.type !== "url") return null;
  try {
    return new URL(`${origin.protocol}://${origin.host}`).host;
  } catch {
    return null;
  }
}
