/**
 * The app's structured log (pino): JSON lines on stdout, one per request and one per back-to-origin
 * outcome, plus operational events. The hit path pays for a line, so lines are written in batches:
 * they gather in memory (as UTF-8) up to 32 KiB (or for LOG_FLUSH_MS, a quarter second by default,
 * whichever comes first) and go out in one write, off the request; shutdown and process exit write
 * what is left. Development (`npm run dev`) pretty-prints through pino-pretty in a worker thread
 * instead.
 */
import pino, { type Logger } from "pino";

export type { Logger };

export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Bytes of lines gathered before a write (the longest a line waits for one is LoggerOptions.flushMs). */
const BATCH_BYTES = 32 * 1024;
/** A batch's buffer: room for the batch and the line that completes it (longer lines go on their own). */
const BUFFER_BYTES = 48 * 1024;
/**
 * Deferred lines formatted together (LineBatch): some 9 KiB of access lines, so that at most 27 KiB
 * (three bytes a UTF-16 unit) fits a buffer after a hand-over.
 */
const DEFERRED_LINES = 32;

export interface LoggerOptions {
  level: LogLevel;
  /** The longest a line waits in memory before it is written (LOG_FLUSH_MS); 250 ms by default. */
  flushMs?: number;
  /** Human-readable lines (development only: pino-pretty is a development dependency). */
  pretty?: boolean;
  /** A file descriptor or path instead of stdout (benchmarks). */
  to?: number | string;
}

/** pino's SonicBoom destination, with two fields its type declarations leave out. */
type Destination = ReturnType<typeof pino.destination> & { readonly destroyed: boolean; readonly fd: number };

/**
 * A line made only when the lines before and after it are written: `format(item)` gives it,
 * newline included. The access line is one: a request hands over its fields when it ends, and
 * the lines are formatted a few dozen at a time (see LineBatch).
 */
export type LineFormat<Item> = (item: Item) => string;

/**
 * Lines encoded into a Buffer as they come and handed to the destination as one buffer per
 * BATCH_BYTES, a new buffer taking its place. Gathering the lines as one string instead (a
 * concatenation per line, the batch turned into bytes once) was cheap in isolation (~0.6 µs a
 * line in bench/micro/request-telemetry.ts) but not in the app: the batch's rope of some 3,000
 * pieces, scattered over megabytes of the request path's garbage, cost 1–1.5 µs a line to flatten
 * (String::WriteToFlat in `perf` of the running app). Handing each line over on its own cost a
 * Buffer and SonicBoom's bookkeeping for every line.
 *
 * Deferred lines (`defer`) wait as their items, up to DEFERRED_LINES of them, and are then
 * formatted one after the other and encoded with one call: the formatting code stays in the CPU's
 * instruction cache across them, the rope of their pieces is flattened while it is still in the
 * data cache, and the call into C++ to encode (~700 instructions with the flattening's set-up) is
 * paid once for them all. Formatting them one at a time, each at the end of its request, cost a
 * hit ~600 instruction-cache misses (callgrind's cache simulation, bench/telemetry-instructions.ts
 * --cache-sim): the line's code evicted the request path's and the other way round. A line written
 * otherwise (pino's own, `write`) first formats the deferred ones, so lines keep their order.
 */
class LineBatch {
  /** Made when a line comes, after a hand-over (a logger that never logs holds none). */
  private buffer: Buffer | null = null;
  private used = 0;
  private readonly deferredItems: unknown[] = [];
  private readonly deferredFormats: LineFormat<unknown>[] = [];

  constructor(private readonly destination: Destination) {}

  write(line: string): void {
    if (this.deferredItems.length > 0) this.formatDeferred();
    this.encode(line);
  }

  defer<Item>(item: Item, format: LineFormat<Item>): void {
    this.deferredItems.push(item);
    this.deferredFormats.push(format as LineFormat<unknown>);
    if (this.deferredItems.length >= DEFERRED_LINES) this.formatDeferred();
  }

  /** Whether lines have come in since the last flush. */
  get waiting(): boolean {
    return this.used > 0 || this.deferredItems.length > 0;
  }

  flush(done?: (error?: Error) => void): void {
    this.handOver();
    this.destination.flush(done);
  }

  /** At exit: what is gathered here and in the destination, written before the process ends. */
  flushSync(): void {
    // The destination may be gone already (pino ends it on beforeExit), or still opening its file.
    if (this.destination.destroyed || this.destination.fd < 0) return;
    this.handOver();
    this.destination.flushSync();
  }

  private formatDeferred(): void {
    const items = this.deferredItems;
    const formats = this.deferredFormats;
    let text = "";
    for (let i = 0; i < items.length; i++) text += formats[i]!(items[i]);
    // Emptied before encoding, which may hand over and so come back here.
    items.length = 0;
    formats.length = 0;
    this.encode(text);
  }

  private encode(text: string): void {
    // UTF-16 units take at most 3 bytes each in UTF-8 (a surrogate pair, two units, takes 4).
    const most = 3 * text.length;
    if (this.buffer === null || this.used + most > this.buffer.length) {
      this.handOver();
      if (most > BUFFER_BYTES) {
        // Longer than a batch: handed over on its own, after the lines before it.
        this.destination.write(Buffer.from(text, "utf8") as unknown as string);
        return;
      }
      this.buffer ??= Buffer.allocUnsafe(BUFFER_BYTES);
    }
    this.used += this.buffer.write(text, this.used);
    if (this.used >= BATCH_BYTES) this.handOver();
  }

  private handOver(): void {
    if (this.deferredItems.length > 0) this.formatDeferred();
    if (this.buffer === null || this.used === 0) return;
    // The destination keeps the bytes until written: the next lines go into a new buffer.
    const bytes = this.buffer.subarray(0, this.used);
    this.buffer = null;
    this.used = 0;
    // In buffer mode SonicBoom takes Buffers; its declared type says string.
    this.destination.write(bytes as unknown as string);
  }
}

/**
 * Batches of live loggers, written at exit. pino registers its destination to be flushed at exit;
 * these hooks, installed when this module loads (before any destination is made), run before its
 * own and hand the batches over first: on beforeExit pino then flushes and ends the destination,
 * and on exit (process.exit, as at shutdown) each batch writes itself synchronously.
 */
const liveBatches = new Set<LineBatch>();
process.on("beforeExit", () => {
  for (const batch of liveBatches) if (batch.waiting) batch.flush();
});
process.on("exit", () => {
  for (const batch of liveBatches) batch.flushSync();
});

/** How hand-made lines reach a logger's destination (rawLines). */
export interface RawLines {
  /** A complete JSON line, newline included, written after the lines before it. */
  write(line: string): void;
  /**
   * A line that `format(item)` makes when it is written, with the deferred lines around it (at the
   * latest when the batch's wait (flushMs) is up, or the next line comes through `write` or pino);
   * `item` must not change after this call.
   */
  defer<Item>(item: Item, format: LineFormat<Item>): void;
}

/** Loggers built here on a plain destination, and how to write ready-made JSON lines to it. */
const rawLinesOf = new WeakMap<Logger, RawLines>();

/**
 * For lines formatted by hand on the hit path (access-line.ts): the logger's destination, batched
 * like pino's own lines; null for a logger not built by createLogger, or one that pretty-prints.
 */
export function rawLines(logger: Logger): RawLines | null {
  return rawLinesOf.get(logger) ?? null;
}

export function createLogger({ level, flushMs = 250, pretty = false, to = 1 }: LoggerOptions): Logger {
  // The time is epoch milliseconds (pino's default, and the cheapest to write on every request).
  const options: pino.LoggerOptions = { level, base: { pid: process.pid } };
  if (pretty) return pino({ ...options, transport: { target: "pino-pretty", options: { translateTime: "SYS:HH:MM:ss.l", ignore: "pid" } } });
  // Buffer mode: in its default string mode SonicBoom measures the whole pending output again on
  // every write (Buffer.byteLength of a growing string, flattened each time). Batches arrive whole
  // (LineBatch), so with minLength at their size each goes out at once, and flush() still waits
  // for the writes in flight.
  const destination = pino.destination({ dest: to, sync: false, minLength: BATCH_BYTES, maxWrite: 2 * BATCH_BYTES, contentMode: "buffer" }) as Destination;
  const batch = new LineBatch(destination);
  liveBatches.add(batch);
  destination.on("close", () => liveBatches.delete(batch));
  let written = false;
  const timer = setInterval(() => {
    if (!written) return;
    written = false;
    batch.flush();
  }, flushMs);
  timer.unref();
  const lines: RawLines = {
    write(line) {
      written = true;
      batch.write(line);
    },
    defer(item, format) {
      written = true;
      batch.defer(item, format);
    },
  };
  const stream = {
    write: lines.write,
    flush: (done?: (error?: Error) => void) => batch.flush(done),
    flushSync: () => batch.flushSync(),
  };
  const logger = pino(options, stream);
  rawLinesOf.set(logger, lines);
  return logger;
}
