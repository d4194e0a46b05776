/**
 * The pieces of AWS Signature Version 4 that signing and verifying share, with S3's rules: the
 * canonical URI is the path as sent with each segment re-encoded the canonical way (never
 * normalised, never double-encoded), the query sorted by encoded name then value, header values
 * trimmed with inner runs of white space collapsed, and the signing key derived from the secret,
 * date, region and service. Pure: no I/O, nothing read from the environment.
 */
import { createHmac, hash } from "node:crypto";

export const ALGORITHM = "AWS4-HMAC-SHA256";
export const SERVICE = "s3";
export const TERMINATOR = "aws4_request";
export const EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

export const UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD";
export const STREAMING_SIGNED_PAYLOAD = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD";
export const STREAMING_SIGNED_PAYLOAD_TRAILER = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER";
export const STREAMING_UNSIGNED_PAYLOAD_TRAILER = "STREAMING-UNSIGNED-PAYLOAD-TRAILER";

const HEX = "0123456789ABCDEF";

/** RFC 3986 unreserved characters, the only bytes SigV4 leaves unencoded. */
function isUnreserved(byte: number): boolean {
  return (
    (byte >= 0x41 && byte <= 0x5a) || // A-Z
    (byte >= 0x61 && byte <= 0x7a) || // a-z
    (byte >= 0x30 && byte <= 0x39) || // 0-9
    byte === 0x2d || // -
    byte === 0x2e || // .
    byte === 0x5f || // _
    byte === 0x7e // ~
  );
}

function hexValue(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  if (code >= 0x41 && code <= 0x46) return code - 0x37;
  if (code >= 0x61 && code <= 0x66) return code - 0x57;
  return -1;
}

/**
 * The bytes a piece of a URL stands for: every well-formed `%XX` is that byte, everything else is
 * its own UTF-8 (a stray `%` stays a `%`). Works on bytes, so `%FF` and other escapes that are not
 * UTF-8 keep their exact value instead of failing or being re-encoded as `%25FF`.
 */
export function percentDecodeBytes(text: string): Buffer {
  if (!text.includes("%")) return Buffer.from(text, "utf8");
  const raw = Buffer.from(text, "utf8");
  const out = Buffer.allocUnsafe(raw.length);
  let length = 0;
  for (let i = 0; i < raw.length; i++) {
    const byte = raw[i]!;
    if (byte === 0x25 && i + 2 < raw.length) {
      const high = hexValue(raw[i + 1]!);
      const low = hexValue(raw[i + 2]!);
      if (high >= 0 && low >= 0) {
        out[length++] = high * 16 + low;
        i += 2;
        continue;
      }
    }
    out[length++] = byte;
  }
  return out.subarray(0, length);
}

/** SigV4's URI encoding of bytes: unreserved characters as they are, every other byte `%XX` (upper case). */
export function encodeBytes(bytes: Uint8Array): string {
  let out = "";
  for (const byte of bytes) {
    out += isUnreserved(byte) ? String.fromCharCode(byte) : `%${HEX[byte >> 4]}${HEX[byte & 15]}`;
  }
  return out;
}

/** SigV4's URI encoding of a string (its UTF-8 bytes); `/` is encoded too. */
export function uriEncode(value: string): string {
  return encodeBytes(Buffer.from(value, "utf8"));
}

const isUpperHex = (code: number) => (code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x46);

/**
 * Whether a piece of a URL is already in canonical form, i.e. canonicalComponent would return it
 * unchanged: only unreserved characters and upper-case `%XX` escapes of bytes that must be escaped.
 * What SDKs send (and what this server's presigned URLs hold) nearly always is; checking is a
 * scan, without decoding to bytes and encoding back.
 */
function isCanonicalComponent(raw: string): boolean {
  for (let i = 0; i < raw.length; i++) {
    const code = raw.charCodeAt(i);
    if (isUnreserved(code)) continue;
    if (code === 0x25 && i + 2 < raw.length) {
      const high = raw.charCodeAt(i + 1);
      const low = raw.charCodeAt(i + 2);
      if (isUpperHex(high) && isUpperHex(low) && !isUnreserved(hexValue(high) * 16 + hexValue(low))) {
        i += 2;
        continue;
      }
    }
    return false;
  }
  return true;
}

/** Re-encodes a piece of a URL as sent: decoded to bytes, then encoded the canonical way. */
export function canonicalComponent(raw: string): string {
  return isCanonicalComponent(raw) ? raw : encodeBytes(percentDecodeBytes(raw));
}

/**
 * S3's canonical URI: the path exactly as sent (no `.`/`..` resolution, no merging of slashes),
 * each `/`-separated segment re-encoded canonically, so `a%2Fb` and `a/b` stay different keys.
 */
export function canonicalUri(rawPath: string): string {
  if (rawPath === "") return "/";
  return rawPath.split("/").map(canonicalComponent).join("/");
}

/** The query string's parameters as sent, each name and value still percent-encoded as on the wire. */
export function rawQueryPairs(rawQuery: string): [string, string][] {
  const pairs: [string, string][] = [];
  for (const part of rawQuery.split("&")) {
    if (part === "") continue;
    const cut = part.indexOf("=");
    pairs.push(cut < 0 ? [part, ""] : [part.slice(0, cut), part.slice(cut + 1)]);
  }
  return pairs;
}

function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The canonical query string: each name and value re-encoded canonically, sorted by name then
 * value (the encoded forms, so byte order), `name=` for a parameter without a value; `omit` names
 * a parameter left out (X-Amz-Signature for a presigned URL). A `+` is a literal plus (`%2B`), as
 * SDKs encode a space as `%20`.
 */
export function canonicalQuery(rawQuery: string, omit?: string): string {
  return canonicalQueryOf(rawQueryPairs(rawQuery), omit);
}

/** canonicalQuery of a query already split into pairs (rawQueryPairs). */
export function canonicalQueryOf(pairs: readonly (readonly [string, string])[], omit?: string): string {
  const encoded: [string, string][] = [];
  for (const [name, value] of pairs) {
    const canonicalName = canonicalComponent(name);
    if (omit !== undefined && canonicalName === omit) continue;
    encoded.push([canonicalName, canonicalComponent(value)]);
  }
  encoded.sort((a, b) => compareCodeUnits(a[0], b[0]) || compareCodeUnits(a[1], b[1]));
  return encoded.map(([name, value]) => `${name}=${value}`).join("&");
}

/** A header value as SigV4 signs it: trimmed, inner runs of white space made one space. */
export function canonicalHeaderValue(value: string): string {
  return value.trim().replace(/\s+/g, " ");
}

export type HeaderBag = Record<string, string | string[] | undefined>;

/**
 * Each named header's values in the order received, from Node's `rawHeaders` (name, value, name,
 * value…) when given, which keeps every repeat of a header apart; otherwise from the parsed
 * `headers` (where Node joins most repeats with ", ", and keeps only the first of some).
 */
export function headerValues(name: string, headers: HeaderBag, rawHeaders?: readonly string[]): string[] {
  if (rawHeaders) {
    const values: string[] = [];
    for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
      if (rawHeaders[i]!.toLowerCase() === name) values.push(rawHeaders[i + 1]!);
    }
    return values;
  }
  const value = headers[name];
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/**
 * The canonical header block for the signed header names (lower case, in the order given):
 * `name:value` lines, repeats of a header joined with `,`, each line ending in a newline.
 */
export function canonicalHeaders(signedHeaders: readonly string[], headers: HeaderBag, rawHeaders?: readonly string[]): string {
  let block = "";
  for (const name of signedHeaders) {
    block += `${name}:${headerValues(name, headers, rawHeaders).map(canonicalHeaderValue).join(",")}\n`;
  }
  return block;
}

export interface CanonicalRequestParts {
  method: string;
  rawPath: string;
  rawQuery: string;
  /** rawQueryPairs(rawQuery), when the caller has it already. */
  queryPairs?: readonly (readonly [string, string])[];
  headers: HeaderBag;
  rawHeaders?: readonly string[];
  signedHeaders: readonly string[];
  payloadHash: string;
  /** A query parameter left out of the canonical query (X-Amz-Signature for presigned URLs). */
  omitQuery?: string;
}

export function canonicalRequest(parts: CanonicalRequestParts): string {
  return [
    parts.method.toUpperCase(),
    canonicalUri(parts.rawPath),
    canonicalQueryOf(parts.queryPairs ?? rawQueryPairs(parts.rawQuery), parts.omitQuery),
    canonicalHeaders(parts.signedHeaders, parts.headers, parts.rawHeaders),
    parts.signedHeaders.join(";"),
    parts.payloadHash,
  ].join("\n");
}

export function sha256Hex(data: string | Uint8Array): string {
  // The one-shot form: no Hash object per call.
  return hash("sha256", data, "hex");
}

export function hmac(key: string | Uint8Array, data: string): Buffer {
  return createHmac("sha256", key).update(data, "utf8").digest();
}

/** `date/region/s3/aws4_request` */
export function credentialScope(date: string, region: string, service = SERVICE): string {
  return `${date}/${region}/${service}/${TERMINATOR}`;
}

/** The signing key: HMAC chain over "AWS4" + secret, the date (YYYYMMDD), region, service and "aws4_request". */
export function deriveSigningKey(secret: string, date: string, region: string, service = SERVICE): Buffer {
  return hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), service), TERMINATOR);
}

export function stringToSign(amzDate: string, scope: string, canonicalRequestText: string): string {
  return `${ALGORITHM}\n${amzDate}\n${scope}\n${sha256Hex(canonicalRequestText)}`;
}

/** The signature of one aws-chunked chunk, chained from the previous chunk's (the seed for the first). */
export function chunkStringToSign(amzDate: string, scope: string, previousSignature: string, chunkSha256Hex: string): string {
  return `${ALGORITHM}-PAYLOAD\n${amzDate}\n${scope}\n${previousSignature}\n${EMPTY_SHA256}\n${chunkSha256Hex}`;
}

/** The signature of the trailing headers, chained from the final (empty) chunk's. */
export function trailerStringToSign(amzDate: string, scope: string, previousSignature: string, trailersSha256Hex: string): string {
  return `${ALGORITHM}-TRAILER\n${amzDate}\n${scope}\n${previousSignature}\n${trailersSha256Hex}`;
}

/** `name:value\n` for each trailing header, sorted by name: the text whose hash the trailer signature covers. */
export function canonicalTrailers(trailers: readonly (readonly [string, string])[]): string {
  return [...trailers]
    .sort((a, b) => compareCodeUnits(a[0], b[0]))
    .map(([name, value]) => `${name}:${value}\n`)
    .join("");
}

export function signHex(signingKey: Uint8Array, text: string): string {
  return createHmac("sha256", signingKey).update(text, "utf8").digest("hex");
}

/** `YYYYMMDDTHHMMSSZ` */
export function amzDate(date: Date): string {
  return date.toISOString().replace(/[-:]/g, "").replace(/\.\d{3}Z$/, "Z");
}

/** The value of `count` decimal digits of `text` at `at`, or -1 when one of them is not a digit. */
function digits(text: string, at: number, count: number): number {
  let value = 0;
  for (let i = at; i < at + count; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x30 || code > 0x39) return -1;
    value = value * 10 + code - 0x30;
  }
  return value;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
function daysInMonth(year: number, month: number): number {
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1]!;
}

/** A `YYYYMMDDTHHMMSSZ` timestamp as a Date, or null when it is not one (or not a real date and time). */
export function parseAmzDate(text: string): Date | null {
  // Read by hand: every SigV4 request parses one (a regex and a Date per field cost more than the rest of it).
  if (text.length !== 16 || text[8] !== "T" || text[15] !== "Z") return null;
  const year = digits(text, 0, 4);
  const month = digits(text, 4, 2);
  const day = digits(text, 6, 2);
  const hour = digits(text, 9, 2);
  const minute = digits(text, 11, 2);
  const second = digits(text, 13, 2);
  // Years below 100 are refused: Date.UTC would read them as 19xx.
  if (year < 100 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return null;
  // A day past the month's end (20240230) would roll over into the next month.
  if (day > daysInMonth(year, month)) return null;
  return new Date(Date.UTC(year, month - 1, day, hour, minute, second));
}
