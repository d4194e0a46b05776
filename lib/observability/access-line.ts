/**
 * The access line, one per request, written by hand: pino's generic path (merging the object,
 * serialising each field through its own checks, the `msg`) was ~10 µs of the hit path's CPU per
 * request, which issue 9 allows 5% of in total. The line is the one pino would write for
 * `logger.info(fields, "request")` (same keys, same order, `level` 30 or 50, epoch-ms `time`,
 * the logger's `pid`): access-line.test.ts compares the two. Loggers not built by createLogger
 * (tests pass their own; development pretty-prints) get the line through pino as before.
 */
import { performance } from "node:perf_hooks";
import type { RequestId } from "./request-id";
import type { DeferredFormat, Logger } from "./logger";
import { rawLines } from "./logger";

export interface AccessLineFields {
  /** Written as it is: a RequestId needs no escaping. */
  requestId: RequestId | null;
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

/** What JSON.stringify makes of a string: itself between quotes, all ASCII or not, or an escaped form. */
const enum Plain {
  No,
  Yes,
  Ascii,
}

/**
 * Whether JSON.stringify would write `value` as it is between quotes (no quote, backslash, control
 * character or surrogate: lone ones are escaped, and pairs are let through to JSON.stringify too),
 * and whether it is ASCII then. A loop over the characters: a regular expression's call cost ~480
 * instructions a field (callgrind, bench/telemetry-instructions.ts), the loop ~5 a character.
 */
function plainness(value: string): Plain {
  let ascii = true;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0x20 || code === 0x22 || code === 0x5c) return Plain.No;
    if (code > 0x7f) {
      if (code >= 0xd800 && code <= 0xdfff) return Plain.No;
      ascii = false;
    }
  }
  return ascii ? Plain.Ascii : Plain.Yes;
}
/** JSON for a value that is a string, or null (pino leaves undefined fields out; only method can be). */
const jsonText = (value: string | null | undefined) => (value == null ? "null" : plainness(value) !== Plain.No ? `"${value}"` : JSON.stringify(value));
/** Whether jsonText(value) is all ASCII: a plain ASCII string, or null (an escaped form may keep characters beyond ASCII). */
const asciiJson = (value: string | null | undefined) => value == null || plainness(value) === Plain.Ascii;
/** JSON for a number: a non-finite one is null, as JSON.stringify writes it. */
const jsonNumber = (value: number) => (Number.isFinite(value) ? String(value) : "null");
/**
 * The parts as one flat string, for pieces kept and used in many lines: a concatenation is a rope
 * (V8's ConsString) that every flattening of a line would walk again, node by node; join makes a
 * sequential string.
 */
const flat = (...parts: string[]) => parts.join("");

/**
 * The line is a rope until the encoder flattens it, and both the concatenations and the flattening
 * cost per piece (~80 instructions each, callgrind), more than per character: so the line is made
 * of some ten pieces, most of them kept ready as flat strings. The names (protocol, operation,
 * method, bucket, and the key's label) are one piece, kept for the last combination seen (a run of
 * requests to one bucket and operation shares it; any other combination is made anew, its four
 * names checked for escaping as the key is); the head is two (headPiece); the status with
 * the bytes' label is one, kept per status code.
 */
interface NamesPiece {
  protocol: string;
  operation: string;
  method: string | undefined;
  bucket: string | null;
  /** `","protocol":…,"bucket":…,"key":"`: the request id's closing quote to the key's opening one. */
  text: string;
  ascii: boolean;
}
let lastNames: NamesPiece = { protocol: "", operation: "", method: "", bucket: "", text: "", ascii: true };
function namesPiece({ protocol, operation, method, bucket }: AccessLineFields): string {
  const last = lastNames;
  if (protocol === last.protocol && operation === last.operation && method === last.method && bucket === last.bucket) return last.text;
  // The method is left out when undefined, as pino leaves out undefined fields.
  const methodText = method === undefined ? "" : `,"method":${jsonText(method)}`;
  const text = flat('","protocol":', jsonText(protocol), ',"operation":', jsonText(operation), methodText, ',"bucket":', jsonText(bucket), ',"key":"');
  lastNames = { protocol, operation, method, bucket, text, ascii: asciiJson(protocol) && asciiJson(operation) && asciiJson(method) && asciiJson(bucket) };
  return text;
}

/**
 * The head: `{"level":30,"time":1764331200123,"pid":4242,"event":"request","requestId":"`, in two
 * flat pieces: up to the time's second (made once a second, per level) and from its milliseconds on
 * (a table of the thousand, made once). Epoch milliseconds are not small integers to V8, and
 * formatting one as a double costs ~0.3 µs. It ends with the request id's opening quote, and
 * namesPiece begins with its closing one.
 */
const seconds = { second: Number.NaN, info: "", error: "" };
let fromMilliseconds: { pid: number; texts: string[] } = { pid: Number.NaN, texts: [] };
function headPiece(error: boolean, time: number, pid: number): string {
  if (!(Number.isInteger(time) && time >= 1000 && time <= Number.MAX_SAFE_INTEGER)) {
    return flat(error ? '{"level":50,"time":' : '{"level":30,"time":', jsonNumber(time), `,"pid":${pid},"event":"request","requestId":"`);
  }
  const ms = time % 1000;
  const second = (time - ms) / 1000;
  if (second !== seconds.second) {
    seconds.second = second;
    seconds.info = flat('{"level":30,"time":', String(second));
    seconds.error = flat('{"level":50,"time":', String(second));
  }
  if (fromMilliseconds.pid !== pid) {
    const rest = `,"pid":${pid},"event":"request","requestId":"`;
    fromMilliseconds = { pid, texts: Array.from({ length: 1000 }, (_, n) => flat(String(n).padStart(3, "0"), rest)) };
  }
  return (error ? seconds.error : seconds.info) + fromMilliseconds.texts[ms]!;
}

/** `","status":200,"bytes":` (beginning with the key's closing quote) per status code 100–599; others are made each time. */
const statusPieces: string[] = new Array<string>(600).fill("");
function statusPiece(status: number): string {
  const kept = statusPieces[status];
  if (kept) return kept;
  const piece = flat('","status":', jsonNumber(status), ',"bytes":');
  if (Number.isInteger(status) && status >= 100 && status < statusPieces.length) statusPieces[status] = piece;
  return piece;
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

/** Whether the line formatAccessLine made last is all ASCII (its UTF-8 bytes are then its characters' codes). */
let lastLineAscii = true;

/**
 * The line pino would write for `logger[level](fields, "request")`, newline included: some ten
 * pieces (see namesPiece). Joining an array of pieces instead cost more (callgrind: Array.prototype.join's
 * builtin, ~3,400 instructions a line, against ~2,700 for the concatenations and flattening of the
 * twenty-odd pieces this was made of then).
 */
export function formatAccessLine(fields: AccessLineFields, time: number, pid: number): string {
  const { requestId, key } = fields;
  const head = headPiece(fields.status >= 500, time, pid);
  const names = namesPiece(fields);
  const status = statusPiece(fields.status);
  // A RequestId, the head, numbers and the status piece are ASCII; the names and the key may not be.
  let ascii = lastNames.ascii;
  // The pieces hold the quotes around the request id and a plain key; a null or escaped one replaces them.
  let line = requestId !== null ? head + requestId + names : `${head.slice(0, -1)}null${names.slice(1)}`;
  const keyPlain = key === null ? Plain.No : plainness(key);
  if (keyPlain !== Plain.No) {
    line = line + key + status;
    if (keyPlain !== Plain.Ascii) ascii = false;
  } else {
    line = line.slice(0, -1) + jsonText(key) + status.slice(1);
    // An escaped key's JSON may hold characters beyond ASCII (JSON.stringify leaves them as they are).
    if (key !== null) ascii = false;
  }
  lastLineAscii = ascii;
  return `${line}${jsonNumber(fields.bytes)},"durationMs":${tenthsText(fields.durationMs)}${fields.aborted ? ',"aborted":true' : ""},"msg":"request"}\n`;
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

/**
 * `endedAt`: performance.now() when the response ended, if the caller has it (the line's time).
 * The line is made a little later (LineBatch.defer), from `fields` as they are then: a caller
 * must not change them after the call.
 */
export type AccessLog = (fields: AccessLineFields, endedAt?: number) => void;

/**
 * Writes access lines to `logger`'s destination: 5xx at error level, the rest at info. The caller
 * checks `logger.isLevelEnabled("info")` first (as for any info line).
 */
export function accessLog(logger: Logger): AccessLog {
  const lines = rawLines(logger);
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
  const format: DeferredFormat<AccessLineFields> = {
    line: (fields, time) => formatAccessLine(fields, time, pid),
    get lastAscii() {
      return lastLineAscii;
    },
  };
  // The time is read now, the line made with the batch's next run of deferred lines.
  return (fields, endedAt) => lines.defer(fields, epochMs(endedAt), format);
}
