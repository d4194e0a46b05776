/**
 * The app's structured log (pino): JSON lines on stdout, one per request and one per back-to-origin
 * outcome, plus operational events. The hit path pays for a line, so lines are written in batches:
 * they gather in memory (as UTF-8) up to 32 KiB (or for LOG_FLUSH_MS, a quarter second by default,
 * whichever comes first) and go out in one write, off the request; shutdown and process exit write
 * what is left. Access lines are made in runs of up to 64 from what each request recorded
 * (LineBatch.defer), not one by one as requests end. Development (`npm run dev`) pretty-prints
 * through pino-pretty in a worker thread instead.
 */
import pino, { type Logger } from "pino";

export type { Logger };

export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Bytes of lines gathered before a write (the longest a line waits for one is LoggerOptions.flushMs). */
const BATCH_BYTES = 32 * 1024;
/** Deferred lines (LineBatch.defer) held before they are made, one after the other. */
const DEFERRED_LINES = 64;
/** Deferred lines are encoded together, up to this many characters at a time. */
const DEFERRED_RUN_CHARS = 16 * 1024;
/** A batch's buffer: room for the batch and the line that completes it (longer lines go on their own). */
const BUFFER_BYTES = 48 * 1024;
/** Written buffers kept for the next batches. */
const SPARE_BUFFERS = 2;
/**
 * Handed-over buffers followed until written: a destination that stops reporting writes (pino
 * drops every write to a broken pipe) must not keep them all; the older ones are let go.
 */
const FOLLOWED_BUFFERS = 8;

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
 * Lines encoded into a Buffer as they come (each fresh line's string is flattened and encoded while
 * it is still in the CPU's cache, and is garbage at once) and handed to the destination as one
 * buffer per BATCH_BYTES, a new buffer taking its place. Gathering the lines as one string instead
 * (a concatenation per line, the batch turned into bytes once) was cheap in isolation (~0.6 µs a
 * line in bench/micro/request-telemetry.ts) but not in the app: the batch's rope of some 3,000
 * pieces, scattered over megabytes of the request path's garbage, cost 1–1.5 µs a line to flatten
 * (String::WriteToFlat in `perf` of the running app). Handing each line over on its own cost a
 * Buffer and SonicBoom's bookkeeping for every line.
 */
class LineBatch {
  /** Made when a line comes, after a hand-over (a logger that never logs holds none). */
  private buffer: Buffer | null = null;
  private used = 0;
  /** Deferred lines, in order: what each is made from, its time, and how (three arrays: nothing is allocated per line). */
  private readonly deferredItems: unknown[] = [];
  private readonly deferredTimes: number[] = [];
  private readonly deferredFormats: DeferredFormat<never>[] = [];
  /** Bytes handed to the destination, and bytes it has written (its 'write' events). */
  private handedBytes = 0;
  private writtenBytes = 0;
  /**
   * Buffers handed over, oldest first, with the count of bytes handed over once each was: when
   * that many are written, the destination is done with the buffer and it is kept for a next
   * batch. A new 48 KiB buffer for every batch cost the hit path more than encoding into it (its
   * memory is allocated and freed outside V8's heap, which counts it towards its next collection).
   */
  private readonly handed: { buffer: Buffer; end: number }[] = [];
  private readonly spareBuffers: Buffer[] = [];

  constructor(private readonly destination: Destination) {
    destination.on("write", (bytes: number) => {
      this.writtenBytes += bytes;
      while (this.handed.length > 0 && this.handed[0]!.end <= this.writtenBytes) {
        const { buffer } = this.handed.shift()!;
        if (this.spareBuffers.length < SPARE_BUFFERS) this.spareBuffers.push(buffer);
      }
    });
  }

  /**
   * Encodes `line` into the batch: as UTF-8, or, when the caller knows it is all ASCII, as Latin-1,
   * the same bytes for less work (V8 copies a one-byte string's characters as they are, where
   * its UTF-8 encoder looks at each: ~300 instructions a line of ~250 characters, callgrind).
   */
  write(line: string, ascii = false): void {
    // After the deferred lines before it.
    if (this.deferredItems.length !== 0) this.formatDeferred();
    this.encode(line, ascii);
  }

  /**
   * A line to be made later by `format.line(item, time)`, with up to DEFERRED_LINES others, one
   * after the other. Made one at a time on the request path, the formatting and encoding code came
   * back into the CPU's instruction cache for every line, having been evicted by the request path's
   * own code, and evicted some of it in turn: with lines made in runs, the instruction-cache misses
   * that logging and metrics add to a 4 KiB hit fell from ~510 to ~270 a request (callgrind's cache
   * simulation, bench/telemetry-instructions.ts), the instructions staying the same. The lines of
   * a run are encoded together, in one call (each call into the encoder costs ~500 instructions
   * besides the copy). A line written, a flush and the exit make the deferred lines first, so the
   * order stays.
   */
  defer<T>(item: T, time: number, format: DeferredFormat<T>): void {
    this.deferredItems.push(item);
    this.deferredTimes.push(time);
    this.deferredFormats.push(format as DeferredFormat<never>);
    if (this.deferredItems.length >= DEFERRED_LINES) this.formatDeferred();
  }

  private formatDeferred(): void {
    const { deferredItems: items, deferredTimes: times, deferredFormats: formats } = this;
    try {
      let run = "";
      let ascii = true;
      for (let i = 0; i < items.length; i++) {
        const format = formats[i]!;
        const line = format.line(items[i] as never, times[i]!);
        if (run.length + line.length > DEFERRED_RUN_CHARS && run.length > 0) {
          this.encode(run, ascii);
          run = "";
          ascii = true;
        }
        run += line;
        ascii &&= format.lastAscii;
      }
      if (run.length > 0) this.encode(run, ascii);
    } finally {
      items.length = 0;
      times.length = 0;
      formats.length = 0;
    }
  }

  private encode(line: string, ascii = false): void {
    // UTF-16 units take at most 3 bytes each in UTF-8 (a surrogate pair, two units, takes 4).
    const most = ascii ? line.length : 3 * line.length;
    const encoding = ascii ? "latin1" : "utf8";
    if (this.buffer === null || this.used + most > this.buffer.length) {
      this.handOver();
      if (most > BUFFER_BYTES) {
        // Longer than a batch: handed over on its own, after the lines before it.
        this.send(Buffer.from(line, encoding));
        return;
      }
      this.buffer ??= this.spareBuffers.pop() ?? Buffer.allocUnsafe(BUFFER_BYTES);
    }
    this.used += this.buffer.write(line, this.used, encoding);
    if (this.used >= BATCH_BYTES) this.handOver();
  }

  /** Whether nothing is gathered here and every byte handed over is written: nothing for a flush to do. */
  get idle(): boolean {
    return this.used === 0 && this.unwritten === 0 && this.deferredItems.length === 0;
  }

  /** Bytes handed to the destination and not yet written. */
  get unwritten(): number {
    return this.handedBytes - this.writtenBytes;
  }

  /**
   * Hands over what is gathered and has the destination write it; `done` once every byte handed over
   * is written. SonicBoom's own flush does not promise that: when it is called during a write, it
   * waits for that write, and then, holding less than its minLength, stops and reports done with the
   * rest still in memory (the lines of a burst's end stayed there until more lines came).
   */
  flush(done?: (error?: Error) => void): void {
    this.formatDeferred();
    this.handOver();
    if (!done) {
      this.destination.flush();
      return;
    }
    // Again while bytes are unwritten and the last round wrote some (a round that wrote none ends it).
    let writtenBefore = this.writtenBytes;
    const untilWritten = (error?: Error) => {
      if (error || this.unwritten === 0 || this.destination.destroyed || this.writtenBytes === writtenBefore) {
        done(error);
        return;
      }
      writtenBefore = this.writtenBytes;
      this.destination.flush(untilWritten);
    };
    this.destination.flush(untilWritten);
  }

  /** At exit: what is gathered here and in the destination, written before the process ends. */
  flushSync(): void {
    // The destination may be gone already (pino ends it on beforeExit), or still opening its file.
    if (this.destination.destroyed || this.destination.fd < 0) return;
    this.formatDeferred();
    this.handOver();
    this.destination.flushSync();
  }

  private handOver(): void {
    if (this.buffer === null || this.used === 0) return;
    // The destination keeps the bytes until written: the next lines go into another buffer.
    const buffer = this.buffer;
    const bytes = buffer.subarray(0, this.used);
    this.buffer = null;
    this.used = 0;
    this.send(bytes);
    this.handed.push({ buffer, end: this.handedBytes });
    if (this.handed.length > FOLLOWED_BUFFERS) this.handed.shift();
  }

  private send(bytes: Buffer): void {
    this.handedBytes += bytes.length;
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
  for (const batch of liveBatches) if (!batch.idle) batch.flush();
});
process.on("exit", () => {
  for (const batch of liveBatches) batch.flushSync();
});

/** Writes a complete JSON line (newline included); `ascii` when the caller knows it is all ASCII. */
export type RawLineWriter = (line: string, ascii?: boolean) => void;

/** Makes deferred lines from what each was deferred with (LineBatch.defer). */
export interface DeferredFormat<T> {
  /** The line, newline included. */
  line(item: T, time: number): string;
  /** Whether the line made last is all ASCII (it is then written as Latin-1, the same bytes). */
  readonly lastAscii: boolean;
}

/**
 * Where lines formatted by hand on the hit path (access-line.ts) go: the logger's batch, among
 * pino's own lines. `defer` holds what a line is made from (which must not change afterwards) and
 * its time, and makes the line a little later, before any line after it.
 */
export interface RawLines {
  write: RawLineWriter;
  defer<T>(item: T, time: number, format: DeferredFormat<T>): void;
}

/** Loggers built here on a plain destination, and how to write ready-made JSON lines to it. */
const rawLineSinks = new WeakMap<Logger, RawLines>();

/** For lines formatted by hand: the logger's batch; null for a logger not built by createLogger, or one that pretty-prints. */
export function rawLines(logger: Logger): RawLines | null {
  return rawLineSinks.get(logger) ?? null;
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
  // Lines gathered, or handed over and still unwritten (see LineBatch.flush), go out within flushMs.
  const timer = setInterval(() => {
    if (!batch.idle) batch.flush();
  }, flushMs);
  timer.unref();
  const lines: RawLines = {
    write: (line, ascii = false) => batch.write(line, ascii),
    defer: (item, time, format) => batch.defer(item, time, format),
  };
  const stream = {
    // pino's own lines: as UTF-8 whatever else a caller of a stream's write() might pass.
    write: (line: string) => batch.write(line),
    flush: (done?: (error?: Error) => void) => batch.flush(done),
    flushSync: () => batch.flushSync(),
  };
  const logger = pino(options, stream);
  rawLineSinks.set(logger, lines);
  return logger;
}
