/**
 * How often "Check the origin now" may run: each probe makes outbound requests on a user's
 * behalf, so a user (or a stolen session) must not turn the server into a request cannon or a
 * slow port scanner. At most `perWindow` probes per user in any `windowMs`, and `concurrent` in
 * flight across all users. Kept in memory: a restart forgets it, which only loosens it briefly.
 */
export interface ProbeLimits {
  perWindow: number;
  windowMs: number;
  concurrent: number;
}

export const DEFAULT_PROBE_LIMITS: ProbeLimits = { perWindow: 10, windowMs: 60_000, concurrent: 4 };

export type ProbePermit = { granted: true; release: () => void } | { granted: false; retryAfterSeconds: number; reason: string };

export class ProbeLimiter {
  private readonly recent = new Map<string, number[]>();
  private inFlight = 0;

  constructor(
    private readonly limits: ProbeLimits = DEFAULT_PROBE_LIMITS,
    private readonly now: () => number = Date.now,
  ) {}

  take(actor: string): ProbePermit {
    const now = this.now();
    const since = now - this.limits.windowMs;
    const times = (this.recent.get(actor) ?? []).filter((at) => at > since);
    if (times.length >= this.limits.perWindow) {
      this.recent.set(actor, times);
      const retryAfterSeconds = Math.max(1, Math.ceil((times[0]! + this.limits.windowMs - now) / 1000));
      return { granted: false, retryAfterSeconds, reason: `at most ${this.limits.perWindow} origin checks a minute` };
    }
    if (this.inFlight >= this.limits.concurrent) {
      return { granted: false, retryAfterSeconds: 1, reason: "other origin checks are running" };
    }
    times.push(now);
    this.recent.set(actor, times);
    this.forgetIdle(since);
    this.inFlight++;
    let released = false;
    return {
      granted: true,
      release: () => {
        if (released) return;
        released = true;
        this.inFlight--;
      },
    };
  }

  /** Users with nothing in the window are dropped, so the map cannot grow without bound. */
  private forgetIdle(since: number): void {
    if (this.recent.size < 1000) return;
    for (const [actor, times] of this.recent) if (times.every((at) => at <= since)) this.recent.delete(actor);
  }
}
