/**
 * What every request to an origin host passes first: its circuit breaker (fail fast while the origin
 * is down), then its concurrency limit (wait for a turn, fairly). The gate's pass holds the turn
 * until the request is over and reports to the breaker how it went.
 */
import { CircuitBreakers, type BreakerSettings, type CircuitState, type CircuitView } from "./circuit-breaker";
import { OriginLimiter, type OriginLimits, type QueuePolicy } from "./origin-limiter";

export type { QueuePolicy };

/** One request's turn at an origin. `finish` once: with the failure's reason, or null when the origin answered. */
export interface OriginPass {
  finish(failure: string | null): void;
}

/**
 * An origin's state, for the console and for metrics (`bosmirror_origin_inflight`, `bosmirror_origin_circuit_open`):
 * its breaker's view (`origin` is the host as rules name it, `host[:port]`), the state as `circuit`, and its load.
 */
export type OriginHealth = Omit<CircuitView, "state"> & { circuit: CircuitState; inflight: number; queued: number };

export class OriginGate {
  private readonly limiter: OriginLimiter;
  private readonly breakers: CircuitBreakers;

  constructor(limits: OriginLimits, breaker: BreakerSettings, now: () => number = Date.now) {
    this.limiter = new OriginLimiter(limits);
    this.breakers = new CircuitBreakers(breaker, now);
  }

  /**
   * A turn at `origin`: throws OriginUnavailable at once while its breaker is open (before queueing,
   * and again once a turn is granted, in case it opened meanwhile), OriginBusy when the queue is full.
   */
  async enter(origin: string, party: string, policy: QueuePolicy): Promise<OriginPass> {
    this.breakers.check(origin);
    const slot = await this.limiter.acquire(origin, party, policy);
    let pass;
    try {
      pass = this.breakers.admit(origin);
    } catch (error) {
      slot.release();
      throw error;
    }
    let finished = false;
    return {
      finish: (failure) => {
        if (finished) return;
        finished = true;
        if (failure === null) pass.succeeded();
        else pass.failed(failure);
        slot.release();
      },
    };
  }

  /** Every origin with requests in flight or waiting, a breaker not closed, or recent failures. */
  health(): OriginHealth[] {
    const load = this.limiter.snapshot();
    const byOrigin = new Map<string, OriginHealth>();
    for (const { state, ...view } of this.breakers.snapshot()) {
      byOrigin.set(view.origin, { ...view, circuit: state, inflight: 0, queued: 0 });
    }
    for (const [origin, { inflight, queued }] of load) {
      const known = byOrigin.get(origin);
      if (known) Object.assign(known, { inflight, queued });
      else byOrigin.set(origin, { origin, inflight, queued, circuit: "closed", unavailableSince: null, retryAt: null, recentFailures: 0, lastFailure: null });
    }
    return [...byOrigin.values()].sort((a, b) => a.origin.localeCompare(b.origin));
  }
}
