/**
 * The app's structured log (pino): JSON lines on stdout, one per request and one per back-to-origin
 * outcome, plus operational events. Lines are written asynchronously (sonic-boom collects what
 * arrives while a write is in flight into the next one), so logging never blocks a request on a
 * slow pipe; `flush()` at shutdown writes what is left. Development (`npm run dev`) pretty-prints
 * through pino-pretty in a worker thread instead.
 */
import pino, { type Logger } from "pino";

export type { Logger };

export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface LoggerOptions {
  level: LogLevel;
  /** Human-readable lines (development only: pino-pretty is a development dependency). */
  pretty?: boolean;
  /** Where JSON lines go instead of stdout (tests). */
  destination?: pino.DestinationStream;
}

export function createLogger({ level, pretty = false, destination }: LoggerOptions): Logger {
  const options: pino.LoggerOptions = { level, timestamp: pino.stdTimeFunctions.isoTime, base: { pid: process.pid } };
  if (pretty) return pino({ ...options, transport: { target: "pino-pretty", options: { translateTime: "SYS:HH:MM:ss.l", ignore: "pid" } } });
  return pino(options, destination ?? pino.destination({ dest: 1, sync: false }));
}
