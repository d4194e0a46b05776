/**
 * The app's structured log (pino): JSON lines on stdout, one per request and one per back-to-origin
 * outcome, plus operational events. The hit path pays for a line, so lines are written in batches:
 * they gather in memory up to 32 KiB (or a quarter second, whichever comes first) and go out in one
 * write, off the request; shutdown and process exit write what is left. Development (`npm run dev`)
 * pretty-prints through pino-pretty in a worker thread instead.
 */
import pino, { type Logger } from "pino";

export type { Logger };

export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Bytes of lines gathered before a write, and the longest a line waits for one. */
const BATCH_BYTES = 32 * 1024;
const BATCH_MAX_WAIT_MS = 250;

export interface LoggerOptions {
  level: LogLevel;
  /** Human-readable lines (development only: pino-pretty is a development dependency). */
  pretty?: boolean;
  /** A file descriptor or path instead of stdout (benchmarks). */
  to?: number | string;
}

/** Loggers built here on a plain destination, and how to write a ready-made JSON line to it. */
const lineWriters = new WeakMap<Logger, (line: string) => void>();

/**
 * For lines formatted by hand on the hit path (access-line.ts): a function that writes a complete
 * JSON line (newline included) to the logger's destination, batched like pino's own lines; null
 * for a logger not built by createLogger, or one that pretty-prints.
 */
export function rawLineWriter(logger: Logger): ((line: string) => void) | null {
  return lineWriters.get(logger) ?? null;
}

export function createLogger({ level, pretty = false, to = 1 }: LoggerOptions): Logger {
  // The time is epoch milliseconds (pino's default, and the cheapest to write on every request).
  const options: pino.LoggerOptions = { level, base: { pid: process.pid } };
  if (pretty) return pino({ ...options, transport: { target: "pino-pretty", options: { translateTime: "SYS:HH:MM:ss.l", ignore: "pid" } } });
  // Buffer mode: in its default string mode SonicBoom measures the whole pending batch again on
  // every write (Buffer.byteLength of a growing string, flattened each time), which was a third of
  // an access line's cost; in buffer mode it adds lengths. Each line becomes bytes once, here.
  const destination = pino.destination({ dest: to, sync: false, minLength: BATCH_BYTES, maxWrite: 2 * BATCH_BYTES, contentMode: "buffer" });
  let pending = false;
  const timer = setInterval(() => {
    if (!pending) return;
    pending = false;
    destination.flush();
  }, BATCH_MAX_WAIT_MS);
  timer.unref();
  const writeLine = (line: string) => {
    pending = true;
    destination.write(Buffer.from(line, "utf8") as unknown as string);
  };
  const stream = {
    write: writeLine,
    flush: (done?: (error?: Error) => void) => destination.flush(done),
    flushSync: () => destination.flushSync(),
  };
  const logger = pino(options, stream);
  lineWriters.set(logger, writeLine);
  return logger;
}
