/**
 * The access line, one per request, written by hand: pino's generic path (merging the object,
 * serialising each field through its own checks, the `msg`) was ~10 µs of the hit path's CPU per
 * request, which issue 9 allows 5% of in total. The line is the one pino would write for
 * `logger.info(fields, "request")` (same keys, same order, `level` 30 or 50, epoch-ms `time`,
 * the logger's `pid`): access-line.test.ts compares the two. Loggers not built by createLogger
 * (tests pass their own; development pretty-prints) get the line through pino as before.
 */
import { performance } from "node:perf_hooks";
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

/**
 * A name field's whole piece of the line (`,"operation":"GetObject"`), kept once made: protocols,
 * operations, methods and buckets come from small sets, so a line pays a Map lookup of a string
 * whose hash is known instead of the escaping check and the concatenations. At most NAMES_KEPT of
 * each field are kept (a flood of made-up bucket names fills it; later ones are made each time).
 */
const NAMES_KEPT = 256;
function namePieces(field: string): (value: string | null | undefined) => string {
  const kept = new Map<string, string>();
  const prefix = `,"${field}":`;
  return (value) => {
    if (value == null) return value === null ? `${prefix}null` : "";
    let piece = kept.get(value);
    if (piece === undefined) {
      piece = prefix + jsonText(value);
      if (kept.size < NAMES_KEPT) kept.set(value, piece);
    }
    return piece;
  };
}
const protocolPiece = namePieces("protocol");
const operationPiece = namePieces("operation");
/** Left out when undefined, as pino leaves out undefined fields. */
const methodPiece = namePieces("method");
const bucketPiece = namePieces("bucket");

/**
 * The time's JSON: epoch milliseconds are not small integers to V8, and formatting one as a double
 * costs ~0.3 µs. Made instead from the second's text (made once a second) and the millisecond's
 * three digits, and shared by the lines of one millisecond.
 */
const MILLISECONDS = Array.from({ length: 1000 }, (_, ms) => String(ms).padStart(3, "0"));
let lastTime = Number.NaN;
let lastTimeText = "";
let lastSecond = Number.NaN;
let lastSecondText = "";
function timeText(time: number): string {
  if (time === lastTime) return lastTimeText;
  const ms = time % 1000;
  const second = (time - ms) / 1000;
  let text: string;
  if (Number.isInteger(time) && time >= 1000 && time <= Number.MAX_SAFE_INTEGER) {
    if (second !== lastSecond) {
      lastSecond = second;
      lastSecondText = String(second);
    }
    text = lastSecondText + MILLISECONDS[ms]!;
  } else {
    text = jsonNumber(time);
  }
  lastTime = time;
  lastTimeText = text;
  return text;
}

/**
 * JSON for a number that has at most one decimal (a duration in tenths of a millisecond), made
 * from small integers, whose strings V8 keeps, instead of by formatting a double; the same text as
 * String(value) (the shortest decimal that reads back as the same double). Other numbers as JSON.stringify.
 */
function tenthsText(value: number): string {
  const tenths = Math.round(value * 10);
  if (tenths / 10 !== value || !(tenths >= 0 && tenths <= 0x3fffffff)) return jsonNumber(value);
  const decimal = tenths % 10;
  const whole = (tenths - decimal) / 10;
  return decimal === 0 ? String(whole) : `${whole}.${decimal}`;
}

/**
 * The line pino would write for `logger[level](fields, "request")`, newline included. The line is a
 * rope of some twenty pieces until the encoder flattens it; joining an array of them instead cost
 * more (callgrind: Array.prototype.join's builtin, ~3,400 instructions a line, against ~2,700 for
 * the concatenations and the flattening together).
 */
export function formatAccessLine(fields: AccessLineFields, time: number, pid: number): string {
  return (
    `${fields.status >= 500 ? '{"level":50,"time":' : '{"level":30,"time":'}${timeText(time)},"pid":${pid},"event":"request"` +
    `,"requestId":${jsonText(fields.requestId)}${protocolPiece(fields.protocol)}${operationPiece(fields.operation)}${methodPiece(fields.method)}` +
    `${bucketPiece(fields.bucket)},"key":${jsonText(fields.key)}` +
    `,"status":${jsonNumber(fields.status)},"bytes":${jsonNumber(fields.bytes)},"durationMs":${tenthsText(fields.durationMs)}` +
    `${fields.aborted ? ',"aborted":true' : ""},"msg":"request"}\n`
  );
}

/**
 * Date.now() as pino writes it, from the monotonic clock (a performance.now() reading, which the
 * caller has taken already for the duration): once Next's node environment is loaded, Date.now is
 * Next's wrapper, which asks two AsyncLocalStorages first (~0.3 µs a call in the app's profile).
 * Date.now() is read again every second (a clock set or slewed by NTP shows within a second), so
 * a time is at most a millisecond early.
 */
let clockBase = 0;
let clockSyncedAt = Number.NEGATIVE_INFINITY;
export function epochMs(now = performance.now()): number {
  if (now - clockSyncedAt >= 1000) {
    clockSyncedAt = performance.now();
    clockBase = Date.now();
  }
  return clockBase + Math.floor(now - clockSyncedAt);
}

/** `endedAt`: performance.now() when the response ended, if the caller has it (the line's time). */
export type AccessLog = (fields: AccessLineFields, endedAt?: number) => void;

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
  return (fields, endedAt) => write(formatAccessLine(fields, epochMs(endedAt), pid));
}
