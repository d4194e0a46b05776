/**
 * The access line, one per request, written by hand: pino's generic path (merging the object,
 * serialising each field through its own checks, the `msg`) was ~10 µs of the hit path's CPU per
 * request, which issue 9 allows 5% of in total. The line is the one pino would write for
 * `logger.info(fields, "request")` (same keys, same order, `level` 30 or 50, epoch-ms `time`,
 * the logger's `pid`): access-line.test.ts compares the two. Loggers not built by createLogger
 * (tests pass their own; development pretty-prints) get the line through pino as before.
 */
import type { Logger } from "./logger";
import { rawLineWriter } from "./logger";

export interface AccessLineFields {
  requestId: string | null;
  protocol: string;
  operation: string;
  method: string | undefined;
  bucket: string | null;
  key: string | null;
  status: number;
  bytes: number;
  durationMs: number;
  /** Present (true) only when the response was cut off before its end. */
  aborted?: true;
}

/** pino's numeric levels. */
const INFO = 30;
const ERROR = 50;

/** What JSON.stringify would escape in a string: quotes, backslashes, control characters, and surrogates (lone ones). */
const NEEDS_ESCAPING = /["\\\u0000-\u001f\ud800-\udfff]/;
/**
 * JSON for a value that is a string, or null (pino leaves undefined fields out; only method can be).
 * Most values (names, request ids, ordinary keys) need no escaping: quoting them is JSON.stringify's
 * answer at a fraction of its cost (~0.2 µs a call, six calls a line).
 */
const jsonText = (value: string | null | undefined) => (value == null ? "null" : NEEDS_ESCAPING.test(value) ? JSON.stringify(value) : `"${value}"`);
/** JSON for a number: a non-finite one is null, as JSON.stringify writes it. */
const jsonNumber = (value: number) => (Number.isFinite(value) ? String(value) : "null");

/** The line pino would write for `logger[level](fields, "request")`, newline included. */
export function formatAccessLine(fields: AccessLineFields, time: number, pid: number): string {
  return (
    `{"level":${fields.status >= 500 ? ERROR : INFO},"time":${time},"pid":${pid},"event":"request"` +
    `,"requestId":${jsonText(fields.requestId)},"protocol":${jsonText(fields.protocol)}` +
    `,"operation":${jsonText(fields.operation)}${fields.method === undefined ? "" : `,"method":${jsonText(fields.method)}`}` +
    `,"bucket":${jsonText(fields.bucket)},"key":${jsonText(fields.key)}` +
    `,"status":${jsonNumber(fields.status)},"bytes":${jsonNumber(fields.bytes)},"durationMs":${jsonNumber(fields.durationMs)}` +
    `${fields.aborted ? ',"aborted":true' : ""},"msg":"request"}\n`
  );
}

export type AccessLog = (fields: AccessLineFields) => void;

/**
 * Writes access lines to `logger`'s destination: 5xx at error level, the rest at info. The caller
 * checks `logger.isLevelEnabled("info")` first (as for any info line).
 */
export function accessLog(logger: Logger): AccessLog {
  const write = rawLineWriter(logger);
  if (!write) {
    return (fields) => {
      const { requestId, protocol, operation, method, bucket, key, status, bytes, durationMs, aborted } = fields;
      // The same keys in the same order as the hand-written line.
      const line = { event: "request", requestId, protocol, operation, method, bucket, key, status, bytes, durationMs, ...(aborted ? { aborted } : {}) };
      if (status >= 500) logger.error(line, "request");
      else logger.info(line, "request");
    };
  }
  const pid = process.pid;
  return (fields) => write(formatAccessLine(fields, Date.now(), pid));
}
