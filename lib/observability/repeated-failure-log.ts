/**
 * Logs a failure that repeats for every request while it lasts (a busy database, a full disk) once
 * per window rather than once per request. Under overload a warning with a stack trace per refused
 * request adds to the load it reports and buries everything else in the log. The first occurrence
 * of a kind is logged in full; later ones within `windowMs` are only counted, and the next full line
 * says how many were left out (`alikeNotLogged`) and over how long (`sinceMs`). Every request is
 * still in its access line and in bosmirror_http_requests_total.
 */
import type { Logger } from "./logger";

/** Default window: one full line per kind of failure per 10 s. */
export const REPEATED_FAILURE_WINDOW_MS = 10_000;

export class RepeatedFailureLog {
  private readonly last = new Map<string, { at: number; notLogged: number }>();

  constructor(
    private readonly logger: Logger,
    private readonly windowMs = REPEATED_FAILURE_WINDOW_MS,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Logs `fields` under `message` unless a failure of `kind` was logged less than a window ago; true if it logged. */
  log(level: "warn" | "error", kind: string, fields: Record<string, unknown>, message: string): boolean {
    const now = this.now();
    const seen = this.last.get(kind);
    if (seen && now - seen.at < this.windowMs) {
      seen.notLogged += 1;
      return false;
    }
    const left = seen && seen.notLogged > 0 ? { alikeNotLogged: seen.notLogged, sinceMs: Math.round(now - seen.at) } : {};
    this.logger[level]({ ...fields, ...left }, message);
    this.last.set(kind, { at: now, notLogged: 0 });
    return true;
  }
}
