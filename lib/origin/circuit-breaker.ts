/**
 * A circuit breaker per origin host. `failureThreshold` failures (transport errors, timeouts, 5xx)
 * within `windowMs` open it: for `openMs` nothing is sent to that origin and misses fail fast with
 * OriginUnavailable. Then one request goes through as a probe (half-open); its success closes the
 * breaker, its failure opens it for another `openMs`. Any answer that is not a failure (200, 404,
 * 403, …) is a success: the origin is up, it just has no such object or refuses it.
 */
import { OriginUnavailable } from "@/lib/domain/errors";

export interface BreakerSettings {
  failureThreshold: number;
  windowMs: number;
  openMs: number;
}

export type CircuitState = "closed" | "open" | "half-open";

/** One request's permission to go to the origin; report how it went once (later calls do nothing). */
export interface BreakerPass {
  readonly probe: boolean;
  succeeded(): void;
  failed(reason: string): void;
}

export interface CircuitView {
  origin: string;
  state: CircuitState;
  /** When the breaker opened (the first time, if it re-opened after a failed probe). */
  unavailableSince: Date | null;
  /** When the next probe may go (open), or null. */
  retryAt: Date | null;
  /** Failures within the window (while closed). */
  recentFailures: number;
  lastFailure: string | null;
}

interface Circuit {
  state: CircuitState;
  failures: number[];
  since: number | null;
  retryAt: number;
  lastFailure: string | null;
}

export class CircuitBreakers {
  private readonly circuits = new Map<string, Circuit>();

  constructor(
    private readonly settings: BreakerSettings,
    private readonly now: () => number = Date.now,
  ) {}

  /** Throws OriginUnavailable unless a request may go to `origin` now (without taking the probe). */
  check(origin: string): void {
    const circuit = this.circuits.get(origin);
    if (!circuit || circuit.state === "closed") return;
    if (circuit.state === "open" && this.now() >= circuit.retryAt) return;
    throw this.unavailable(origin, circuit);
  }

  /** Permission for one request to `origin`; the probe when the open period is over. */
  admit(origin: string): BreakerPass {
    const circuit = this.circuits.get(origin);
    if (!circuit || circuit.state === "closed") return this.pass(origin, false);
    if (circuit.state === "open" && this.now() >= circuit.retryAt) {
      // Half-open: this request is the one probe; everything else fails fast until it answers.
      circuit.state = "half-open";
      return this.pass(origin, true);
    }
    throw this.unavailable(origin, circuit);
  }

  private pass(origin: string, probe: boolean): BreakerPass {
    let reported = false;
    const once = (report: () => void) => () => {
      if (reported) return;
      reported = true;
      report();
    };
    return {
      probe,
      succeeded: once(() => this.succeeded(origin, probe)),
      failed: (reason: string) => once(() => this.failed(origin, probe, reason))(),
    };
  }

  private succeeded(origin: string, probe: boolean): void {
    const circuit = this.circuits.get(origin);
    // While open, only the probe's answer decides; a request admitted before the breaker opened does not close it.
    if (!circuit || (circuit.state !== "closed" && !probe)) return;
    if (probe || this.prune(circuit).length === 0) this.circuits.delete(origin);
  }

  private failed(origin: string, probe: boolean, reason: string): void {
    const now = this.now();
    const circuit = this.circuits.get(origin) ?? { state: "closed", failures: [], since: null, retryAt: 0, lastFailure: null };
    this.circuits.set(origin, circuit);
    if (circuit.state !== "closed" && !probe) return;
    circuit.lastFailure = reason;
    if (probe) return this.open(circuit, now);
    this.prune(circuit).push(now);
    if (circuit.failures.length >= this.settings.failureThreshold) this.open(circuit, now);
  }

  private open(circuit: Circuit, now: number): void {
    circuit.state = "open";
    circuit.failures = [];
    circuit.since ??= now;
    circuit.retryAt = now + this.settings.openMs;
  }

  /** Drops failures older than the window; returns what is left. */
  private prune(circuit: Circuit): number[] {
    const oldest = this.now() - this.settings.windowMs;
    while (circuit.failures.length > 0 && circuit.failures[0]! <= oldest) circuit.failures.shift();
    return circuit.failures;
  }

  private unavailable(origin: string, circuit: Circuit): OriginUnavailable {
    return new OriginUnavailable(origin, new Date(circuit.since ?? this.now()), new Date(circuit.retryAt), circuit.lastFailure);
  }

  /** Every origin whose breaker is not closed, or that failed recently. */
  snapshot(): CircuitView[] {
    const views: CircuitView[] = [];
    for (const [origin, circuit] of this.circuits) {
      if (circuit.state === "closed" && this.prune(circuit).length === 0) {
        this.circuits.delete(origin);
        continue;
      }
      views.push({
        origin,
        state: circuit.state,
        unavailableSince: circuit.since === null ? null : new Date(circuit.since),
        retryAt: circuit.state === "closed" ? null : new Date(circuit.retryAt),
        recentFailures: circuit.failures.length,
        lastFailure: circuit.lastFailure,
      });
    }
    return views;
  }
}
