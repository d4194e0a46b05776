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

/*
 * The line is encoded straight into the log's batch (logger.ts RawLines): ASCII text byte by byte,
 * numbers digit by digit, no string made. Formatting it as a string first (~25 concatenations,
 * numbers turned into strings, the rope flattened and encoded by a call into C++ per line) was
 * ~3.5 µs of the hit path's CPU per request under `perf` of the running app.
 */

/** ASCII text's bytes, made once. */
const ascii = (text: string) => Uint8Array.from(text, (char) => char.charCodeAt(0));
const HEAD_INFO = ascii('{"level":30,"time":');
const HEAD_ERROR = ascii('{"level":50,"time":');
const PID = ascii(',"pid":');
const REQUEST_ID = ascii(',"event":"request","requestId":');
const PROTOCOL = ascii(',"protocol":');
const OPERATION = ascii(',"operation":');
const METHOD = ascii(',"method":');
const BUCKET = ascii(',"bucket":');
const KEY = ascii(',"key":');
const STATUS = ascii(',"status":');
const BYTES = ascii(',"bytes":');
const DURATION = ascii(',"durationMs":');
const ABORTED = ascii(',"aborted":true');
const TAIL = ascii(',"msg":"request"}\n');
const NULL = ascii("null");
/** The constant text's bytes, and numbers' most (a double's JSON is at most 24 characters). */
const FIXED_BYTES = HEAD_INFO.length + PID.length + REQUEST_ID.length + PROTOCOL.length + OPERATION.length + METHOD.length + BUCKET.length + KEY.length + STATUS.length + BYTES.length + DURATION.length + ABORTED.length + TAIL.length + 5 * 24;

function putBytes(buffer: Buffer, at: number, bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; i++) buffer[at + i] = bytes[i]!;
  return at + bytes.length;
}

/** A string's JSON (or null's), as JSON.stringify writes it. */
function putString(buffer: Buffer, at: number, value: string | null): number {
  if (value === null) return putBytes(buffer, at, NULL);
  buffer[at] = 0x22; // "
  let end = at + 1;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    // Quotes, backslashes, control characters and anything not ASCII: the general way.
    if (code < 0x20 || code === 0x22 || code === 0x5c || code > 0x7f) return putUnusual(buffer, at, value);
    buffer[end++] = code;
  }
  buffer[end] = 0x22;
  return end + 1;
}

function putUnusual(buffer: Buffer, at: number, value: string): number {
  return at + buffer.write(NEEDS_ESCAPING.test(value) ? JSON.stringify(value) : `"${value}"`, at);
}

/** A non-negative integer below 2^53, digit by digit. */
function putDigits(buffer: Buffer, at: number, value: number): number {
  let digits = 1;
  for (let power = 10; power <= value; power *= 10) digits++;
  let end = at + digits;
  do {
    const rest = Math.floor(value / 10);
    buffer[--end] = 0x30 + (value - rest * 10);
    value = rest;
  } while (value > 0);
  return at + digits;
}

/** A number as JSON.stringify writes it: integers digit by digit, a number with one decimal (a duration) from its tenths. */
function putNumber(buffer: Buffer, at: number, value: number): number {
  if (Number.isSafeInteger(value)) {
    if (value >= 0) return putDigits(buffer, at, value);
    buffer[at] = 0x2d; // -
    return putDigits(buffer, at + 1, -value);
  }
  const tenths = Math.round(value * 10);
  // The shortest decimal that reads back as tenths / 10 (what String() writes) is that one.
  if (tenths / 10 === value && tenths > 0 && tenths <= Number.MAX_SAFE_INTEGER) {
    const decimal = tenths % 10;
    const end = putDigits(buffer, at, (tenths - decimal) / 10);
    buffer[end] = 0x2e; // .
    buffer[end + 1] = 0x30 + decimal;
    return end + 2;
  }
  const text = Number.isFinite(value) ? String(value) : "null";
  for (let i = 0; i < text.length; i++) buffer[at + i] = text.charCodeAt(i);
  return at + text.length;
}

const lengthOf = (value: string | null | undefined) => (value == null ? 0 : value.length);

/** The most bytes a line of these fields takes: JSON escapes a UTF-16 unit in at most 6 bytes. */
export function accessLineMaxBytes(fields: AccessLineFields): number {
  const { requestId, protocol, operation, method, bucket, key } = fields;
  return FIXED_BYTES + 6 * (lengthOf(requestId) + lengthOf(protocol) + lengthOf(operation) + lengthOf(method) + lengthOf(bucket) + lengthOf(key) + 12);
}

/**
 * Encodes the line pino would write for `logger[level](fields, "request")`, newline included, into
 * `buffer` at `at` (room for accessLineMaxBytes(fields) there); returns where it ends.
 */
export function encodeAccessLine(fields: AccessLineFields, time: number, pid: number, buffer: Buffer, at: number): number {
  let end = putBytes(buffer, at, fields.status >= 500 ? HEAD_ERROR : HEAD_INFO);
  end = putNumber(buffer, end, time);
  end = putBytes(buffer, end, PID);
  end = putNumber(buffer, end, pid);
  end = putBytes(buffer, end, REQUEST_ID);
  end = putString(buffer, end, fields.requestId);
  end = putBytes(buffer, end, PROTOCOL);
  end = putString(buffer, end, fields.protocol);
  end = putBytes(buffer, end, OPERATION);
  end = putString(buffer, end, fields.operation);
  if (fields.method !== undefined) {
    end = putBytes(buffer, end, METHOD);
    end = putString(buffer, end, fields.method);
  }
  end = putBytes(buffer, end, BUCKET);
  end = putString(buffer, end, fields.bucket);
  end = putBytes(buffer, end, KEY);
  end = putString(buffer, end, fields.key);
  end = putBytes(buffer, end, STATUS);
  end = putNumber(buffer, end, fields.status);
  end = putBytes(buffer, end, BYTES);
  end = putNumber(buffer, end, fields.bytes);
  end = putBytes(buffer, end, DURATION);
  end = putNumber(buffer, end, fields.durationMs);
  if (fields.aborted) end = putBytes(buffer, end, ABORTED);
  return putBytes(buffer, end, TAIL);
}

/** The same line as a string. */
export function formatAccessLine(fields: AccessLineFields, time: number, pid: number): string {
  const buffer = Buffer.allocUnsafe(accessLineMaxBytes(fields));
  return buffer.toString("utf8", 0, encodeAccessLine(fields, time, pid, buffer, 0));
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
  const lines = rawLineWriter(logger);
  if (!lines) {
    return (fields) => {
      const { requestId, protocol, operation, method, bucket, key, status, bytes, durationMs, aborted } = fields;
      // The same keys in the same order as the hand-written line.
      const line = { event: "request", requestId, protocol, operation, method, bucket, key, status, bytes, durationMs, ...(aborted ? { aborted } : {}) };
      if (status >= 500) logger.error(line, "request");
      else logger.info(line, "request");
    };
  }
  const pid = process.pid;
  return (fields, endedAt) => {
    const time = epochMs(endedAt);
    const maxBytes = accessLineMaxBytes(fields);
    const start = lines.reserve(maxBytes);
    if (start < 0) lines.write(formatAccessLine(fields, time, pid));
    else lines.commit(encodeAccessLine(fields, time, pid, lines.buffer, start));
  };
}
