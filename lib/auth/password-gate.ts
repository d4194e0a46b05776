/**
 * How many password hashes may run at once, and wait. scrypt runs on libuv's thread pool (4
 * threads unless UV_THREADPOOL_SIZE says otherwise), the same threads every file read and write
 * of the object API runs on: a flood of sign-ins that each take a thread for tens of ms would
 * starve storage I/O. So one hash runs at a time, a few wait their turn, and past that a
 * sign-in is refused at once (503 with Retry-After) instead of queueing without bound.
 * One gate per process (on globalThis, shared by every module copy, like the sign-in throttle).
 */
export const HASHES_RUNNING = 1;
export const HASHES_WAITING = 16;

/** Thrown when the waiting line is full; nothing was hashed. */
export class HashingBusyError extends Error {
  constructor() {
    super("Too many password checks are waiting.");
    this.name = "HashingBusyError";
  }
}

export class ConcurrencyGate {
  private active = 0;
  private readonly queue: (() => void)[] = [];
  /** The most tasks ever running at once, and how many got their turn (for tests and diagnostics). */
  peak = 0;
  started = 0;

  constructor(
    readonly maxRunning: number,
    readonly maxWaiting: number,
  ) {}

  get running(): number {
    return this.active;
  }

  get waiting(): number {
    return this.queue.length;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active < this.maxRunning) this.active++;
    else if (this.queue.length < this.maxWaiting) await new Promise<void>((resolve) => this.queue.push(resolve));
    else throw new HashingBusyError();
    this.peak = Math.max(this.peak, this.active);
    this.started++;
    try {
      return await task();
    } finally {
      // A waiting task inherits the slot; otherwise it is freed.
      const next = this.queue.shift();
      if (next) next();
      else this.active--;
    }
  }
}

const holder = globalThis as typeof globalThis & { __bosPasswordGate?: ConcurrencyGate };

export function passwordGate(): ConcurrencyGate {
  return (holder.__bosPasswordGate ??= new ConcurrencyGate(HASHES_RUNNING, HASHES_WAITING));
}
