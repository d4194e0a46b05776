/**
 * An import job's optional caps: origin requests per second and bytes per second, as token
 * buckets holding at most one second's worth. A request waits for a request token and for the
 * byte bucket to be out of debt; the bytes of a finished pull are charged after the fact (a pull's
 * size is known only once it is done), so a job's average stays at the cap.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly ratePerSecond: number,
    private readonly now: () => number,
  ) {
    this.tokens = ratePerSecond;
    this.last = now();
  }

  private refill(): void {
    const at = this.now();
    this.tokens = Math.min(this.ratePerSecond, this.tokens + ((at - this.last) / 1000) * this.ratePerSecond);
    this.last = at;
  }

  /** Milliseconds until `tokens` are there (0: now). */
  waitFor(tokens: number): number {
    this.refill();
    return this.tokens >= tokens ? 0 : Math.ceil(((tokens - this.tokens) / this.ratePerSecond) * 1000);
  }

  take(tokens: number): void {
    this.refill();
    this.tokens -= tokens;
  }
}

export class ImportThrottle {
  private readonly requests: TokenBucket | null;
  private readonly bytes: TokenBucket | null;

  constructor(limits: { requestsPerSecond: number | null; bytesPerSecond: number | null }, now: () => number = () => performance.now()) {
    this.requests = limits.requestsPerSecond === null ? null : new TokenBucket(limits.requestsPerSecond, now);
    this.bytes = limits.bytesPerSecond === null ? null : new TokenBucket(limits.bytesPerSecond, now);
  }

  /** Milliseconds to wait before the next origin request may start (0: it may start now, and is counted). */
  delayBeforeRequest(): number {
    // Byte debt first: a request token is taken only once the request can really start.
    const byteWait = this.bytes?.waitFor(0) ?? 0;
    if (byteWait > 0) return byteWait;
    const requestWait = this.requests?.waitFor(1) ?? 0;
    if (requestWait > 0) return requestWait;
    this.requests?.take(1);
    return 0;
  }

  chargeBytes(bytes: number): void {
    this.bytes?.take(bytes);
  }
}
