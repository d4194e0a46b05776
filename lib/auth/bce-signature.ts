/**
 * BOS request signatures, `bce-auth-v1`: building the canonical request, signing it (for our own
 * tests and tools) and parsing the authorization string. Canonicalisation matches BOS and its
 * JavaScript SDK: the URI percent-encoded per segment, query parameters sorted (without
 * `authorization`), and the signed headers as `name:value`, trimmed, encoded and sorted.
 */
import { createHmac } from "node:crypto";

export const BCE_AUTH_VERSION = "bce-auth-v1";
/** Headers signed when an authorization string lists none: BOS's default set, plus every x-bce-*. */
export const DEFAULT_SIGNED_HEADERS = ["host", "content-md5", "content-length", "content-type"];

/** RFC 3986 encoding, as BOS and its SDK do it (also `!'()*`). */
export function uriEncode(value: string, keepSlash = false): string {
  const encoded = encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return keepSlash ? encoded.replace(/%2F/g, "/") : encoded;
}

function decodeOrKeep(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

/** The path as sent, with every segment re-encoded the canonical way. */
export function canonicalUri(rawPath: string): string {
  return rawPath
    .split("/")
    .map((segment) => uriEncode(decodeOrKeep(segment)))
    .join("/");
}

export function canonicalQuery(params: [string, string][]): string {
  return params
    .filter(([name]) => name.toLowerCase() !== "authorization")
    .map(([name, value]) => `${uriEncode(name)}=${uriEncode(value)}`)
    .sort()
    .join("&");
}

type Headers = Record<string, string | string[] | undefined>;

function headerText(headers: Headers, name: string): string {
  const value = headers[name];
  return (Array.isArray(value) ? value.join(",") : (value ?? "")).trim();
}

/** The canonical header block and the names it covers, for an explicit list or the default set. */
export function canonicalHeaders(headers: Headers, signedHeaders: readonly string[]): { text: string; names: string[] } {
  const names =
    signedHeaders.length > 0
      ? signedHeaders.map((name) => name.toLowerCase())
      : Object.keys(headers)
          .map((name) => name.toLowerCase())
          .filter((name) => (DEFAULT_SIGNED_HEADERS.includes(name) || name.startsWith("x-bce-")) && headerText(headers, name) !== "");
  const lines = names.map((name) => `${uriEncode(name)}:${uriEncode(headerText(headers, name))}`).sort();
  return { text: lines.join("\n"), names: lines.map((line) => line.slice(0, line.indexOf(":"))) };
}

const hmacHex = (key: string, data: string) => createHmac("sha256", key).update(data).digest("hex");

/**
 * Signing keys (the HMAC of the prefix under the secret) by prefix and secret, the oldest forgotten
 * first. A client signs every request of one second with the same prefix (the timestamp counts
 * seconds), and a presigned URL is fetched again and again: each saves one of the two HMACs, ~8 µs
 * of a signed hit's CPU (bench/profile-hit.ts --protocol=bos). The secret is part of the key, so a
 * changed secret never meets an old entry.
 */
const signingKeys = new Map<string, string>();
const MAX_SIGNING_KEYS = 1024;

function signingKey(secretKey: string, prefix: string): string {
  const id = `${prefix}\n${secretKey}`;
  let key = signingKeys.get(id);
  if (key === undefined) {
    key = hmacHex(secretKey, prefix);
    signingKeys.set(id, key);
    if (signingKeys.size > MAX_SIGNING_KEYS) signingKeys.delete(signingKeys.keys().next().value!);
  }
  return key;
}

export interface SignableRequest {
  method: string;
  /** The path exactly as it goes on the wire, percent-encoded. */
  rawPath: string;
  /** Decoded query parameters. */
  query: [string, string][];
  /** Header names in lower case. */
  headers: Headers;
}

/** `YYYY-MM-DDTHH:MM:SSZ`, the timestamp form bce-auth-v1 uses. */
export function bceTimestamp(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

export function computeSignature(
  secretKey: string,
  prefix: string,
  request: SignableRequest,
  signedHeaders: readonly string[],
): { signature: string; names: string[] } {
  const headers = canonicalHeaders(request.headers, signedHeaders);
  const canonicalRequest = [request.method.toUpperCase(), canonicalUri(request.rawPath), canonicalQuery(request.query), headers.text].join("\n");
  return { signature: hmacHex(signingKey(secretKey, prefix), canonicalRequest), names: headers.names };
}

/** Signs a request; the result goes in the Authorization header or the `authorization` query parameter. */
export function signRequest(
  credentials: { accessKeyId: string; secretKey: string },
  request: SignableRequest,
  options: { timestamp?: Date; expirationSeconds?: number; signedHeaders?: string[] } = {},
): string {
  const prefix = `${BCE_AUTH_VERSION}/${credentials.accessKeyId}/${bceTimestamp(options.timestamp ?? new Date())}/${options.expirationSeconds ?? 1800}`;
  const { signature, names } = computeSignature(credentials.secretKey, prefix, request, options.signedHeaders ?? []);
  return `${prefix}/${names.join(";")}/${signature}`;
}

export interface ParsedAuthorization {
  accessKeyId: string;
  /** When it was signed, in epoch milliseconds. */
  signedAtMs: number;
  expirationSeconds: number;
  signedHeaders: string[];
  signature: string;
  /** `bce-auth-v1/{ak}/{timestamp}/{expiration}`, the input of the signing key. */
  prefix: string;
}

const AUTHORIZATION = /^bce-auth-v1\/([^/]+)\/(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)\/(\d+)\/([^/]*)\/([0-9a-f]{64})$/;

/** The parts of an authorization string, or null when it is not a well-formed bce-auth-v1 one. */
export function parseAuthorization(value: string): ParsedAuthorization | null {
  const match = AUTHORIZATION.exec(value.trim());
  if (!match) return null;
  const [, accessKeyId, timestampText, expiration, headerList, signature] = match as unknown as string[];
  // Date.parse, not new Date(): Next replaces the Date constructor with a wrapper (~4 µs a call).
  const signedAtMs = Date.parse(timestampText!);
  if (Number.isNaN(signedAtMs)) return null;
  return {
    accessKeyId: accessKeyId!,
    signedAtMs,
    expirationSeconds: Number(expiration),
    signedHeaders: headerList ? headerList.split(";").filter(Boolean) : [],
    signature: signature!,
    prefix: `${BCE_AUTH_VERSION}/${accessKeyId}/${timestampText}/${expiration}`,
  };
}
