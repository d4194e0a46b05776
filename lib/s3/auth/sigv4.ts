/**
 * Verifies AWS Signature Version 4 on an S3 request: the `Authorization: AWS4-HMAC-SHA256 …`
 * header or a presigned URL's `X-Amz-*` query parameters. What it checks, in order:
 *
 * - the form: one auth mechanism, a credential `key/YYYYMMDD/region/s3/aws4_request` whose date is
 *   the request's and whose region is the configured one, well-formed signed headers and signature;
 * - the time: the header form's X-Amz-Date (or Date) within 15 minutes of the server's clock; a
 *   presigned URL's X-Amz-Expires at most 7 days, not expired, not dated more than 15 minutes ahead;
 * - what must be signed: `host` always, and every `x-amz-*` header the request carries (so nobody
 *   can add `x-amz-meta-*`, `x-amz-acl` or `x-amz-copy-source` to a presigned URL or a captured
 *   request); the header form needs `x-amz-content-sha256`;
 * - the signature, recomputed with the access key's secret and compared in constant time.
 *
 * The result says who signed and how the body is to be checked (PayloadMode); decodePayload in
 * payload.ts does that while the body streams. Session tokens are refused: this service has
 * long-term access keys only.
 */
import { timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import { andThen, type MaybePromise } from "@/lib/maybe-promise";
import {
  ALGORITHM,
  STREAMING_SIGNED_PAYLOAD,
  STREAMING_SIGNED_PAYLOAD_TRAILER,
  STREAMING_UNSIGNED_PAYLOAD_TRAILER,
  TERMINATOR,
  SERVICE,
  UNSIGNED_PAYLOAD,
  amzDate,
  canonicalRequest,
  credentialScope,
  deriveSigningKey,
  headerValues,
  parseAmzDate,
  percentDecodeBytes,
  rawQueryPairs,
  signHex,
  stringToSign,
} from "./canonical";

export interface S3SignedRequest {
  method: string;
  /** The path exactly as it came on the wire, still percent-encoded, without the query. */
  rawPath: string;
  /** The query string as it came on the wire, without the `?`. */
  rawQuery: string;
  headers: IncomingHttpHeaders;
  /**
   * Optional: Node's `req.rawHeaders`. With it, a header sent more than once is signed as SigV4
   * says (each value kept, joined with `,`); Node's parsed `headers` join repeats with ", ".
   */
  rawHeaders?: readonly string[];
}

export type PayloadMode =
  /** x-amz-content-sha256 is the body's hex SHA-256: checked while it streams. */
  | { kind: "signed"; sha256: string }
  /** UNSIGNED-PAYLOAD (and presigned URLs without a payload hash). */
  | { kind: "unsigned" }
  /** STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER]: aws-chunked, every chunk signature checked. */
  | { kind: "streaming-signed"; trailer: boolean }
  /** STREAMING-UNSIGNED-PAYLOAD-TRAILER: aws-chunked, unsigned chunks, a checksum trailer. */
  | { kind: "streaming-unsigned-trailer" };

/** What the chunk and trailer signatures of a streaming-signed body chain from. */
export interface ChunkSigningContext {
  signingKey: Buffer;
  /** X-Amz-Date, `YYYYMMDDTHHMMSSZ` */
  amzDate: string;
  /** `YYYYMMDD/region/s3/aws4_request` */
  scope: string;
  /** The request's own signature: the first chunk's signature chains from it. */
  seedSignature: string;
}

export interface S3Identity {
  accessKeyId: string;
  payload: PayloadMode;
  /** How the request was signed: the Authorization header or a presigned URL. */
  via: "header" | "presigned";
  /** The request's X-Amz-Date (or Date). */
  signedAt: Date;
  /** A presigned URL's end of validity. */
  expiresAt?: Date;
  /** The header names the signature covers, lower case. */
  signedHeaders: readonly string[];
  /**
   * For decodePayload. Not enumerable, so logging or serialising an identity never shows the
   * signing key.
   */
  readonly chunkSigning: ChunkSigningContext;
}

export type S3AuthErrorCode =
  | "AccessDenied"
  | "SignatureDoesNotMatch"
  | "InvalidAccessKeyId"
  | "RequestTimeTooSkewed"
  | "AuthorizationHeaderMalformed"
  | "AuthorizationQueryParametersError"
  | "ExpiredToken"
  | "InvalidArgument"
  | "MissingSecurityHeader";

export class S3AuthError extends Error {
  constructor(
    readonly code: S3AuthErrorCode,
    message: string,
    /**
     * Extra elements S3 puts in its error XML, e.g. `Region` (the expected region, which boto3
     * reads to retry in the right region), `RequestTime`/`ServerTime`, and for a signature
     * mismatch `StringToSign`, `CanonicalRequest` and `SignatureProvided` (what the client needs to
     * find its mistake; none of it is secret).
     */
    readonly details: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = "S3AuthError";
  }
}

/** How far X-Amz-Date may be from the server's clock. */
export const MAX_CLOCK_SKEW_SECONDS = 15 * 60;
/** The longest a presigned URL may live: seven days. */
export const MAX_PRESIGNED_EXPIRES_SECONDS = 7 * 24 * 3600;

const AUTHORIZATION_PREFIX = `${ALGORITHM} `;
const SIGNATURE = /^[0-9a-f]{64}$/;
const HEADER_NAME = /^[a-z0-9!#$%&'*+.^_`|~-]+$/;

type AuthKind = "sigv4" | "unsupported" | null;

function firstHeader(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function queryOf(url: string | undefined): string {
  if (!url) return "";
  const mark = url.indexOf("?");
  return mark < 0 ? "" : url.slice(mark + 1);
}

/** Plain ASCII without escapes: decoding leaves it as it is. */
const NEEDS_DECODING = /[%\u0080-\uffff]/;

function decodeQueryText(raw: string): string {
  return NEEDS_DECODING.test(raw) ? percentDecodeBytes(raw).toString("utf8") : raw;
}

/**
 * Which kind of AWS signature a request carries: "sigv4" (AWS4-HMAC-SHA256 in the Authorization
 * header or as X-Amz-Algorithm), "unsupported" (another AWS scheme: Signature Version 2 `AWS key:sig`,
 * SigV4a, or another X-Amz-Algorithm; an S3 request all the same, to be answered with S3's
 * InvalidArgument), or null (no AWS signature at all).
 */
export function awsSignatureKind(req: { headers: IncomingHttpHeaders; url?: string }): AuthKind {
  const authorization = firstHeader(req.headers, "authorization");
  if (authorization !== undefined) {
    if (authorization.startsWith(AUTHORIZATION_PREFIX)) return "sigv4";
    if (/^AWS4-[A-Z0-9-]+ /.test(authorization) || /^AWS [^:\s]+:/.test(authorization)) return "unsupported";
  }
  const query = queryOf(req.url);
  if (query === "") return null;
  if (!/amz|awsaccesskeyid|%/i.test(query)) return null;
  let kind: AuthKind = null;
  let v2Key = false;
  let v2Signature = false;
  for (const [name, value] of rawQueryPairs(query)) {
    const decoded = decodeQueryText(name);
    if (decoded === "X-Amz-Algorithm") {
      if (decodeQueryText(value) === ALGORITHM) return "sigv4";
      kind = "unsupported";
    } else if (decoded === "AWSAccessKeyId") {
      v2Key = true;
    } else if (decoded === "Signature") {
      v2Signature = true;
    }
  }
  return kind ?? (v2Key && v2Signature ? "unsupported" : null);
}

/** True when the request carries SigV4 (Authorization: AWS4-HMAC-SHA256 …, or X-Amz-Algorithm=AWS4-HMAC-SHA256 in the query). */
export function isSigV4(req: { headers: IncomingHttpHeaders; url?: string }): boolean {
  return awsSignatureKind(req) === "sigv4";
}

/** The payload mode an x-amz-content-sha256 value names, or null when it names none. */
export function payloadModeOf(value: string): PayloadMode | null {
  switch (value) {
    case UNSIGNED_PAYLOAD:
      return { kind: "unsigned" };
    case STREAMING_SIGNED_PAYLOAD:
      return { kind: "streaming-signed", trailer: false };
    case STREAMING_SIGNED_PAYLOAD_TRAILER:
      return { kind: "streaming-signed", trailer: true };
    case STREAMING_UNSIGNED_PAYLOAD_TRAILER:
      return { kind: "streaming-unsigned-trailer" };
    default:
      return SIGNATURE.test(value) ? { kind: "signed", sha256: value } : null;
  }
}

interface ParsedSignature {
  via: "header" | "presigned";
  accessKeyId: string;
  scopeDate: string;
  region: string;
  service: string;
  terminator: string;
  signedHeaders: string[];
  signature: string;
  /** X-Amz-Date as sent (header form: x-amz-date, or the Date header turned into this form). */
  amzDate: string;
  signedAt: Date;
  expiresSeconds?: number;
}

type Malformed = "AuthorizationHeaderMalformed" | "AuthorizationQueryParametersError";

function parseCredential(credential: string, malformed: Malformed) {
  const parts = credential.split("/");
  if (parts.length < 5) {
    throw new S3AuthError(
      malformed,
      `The credential "${credential}" is malformed: expected "<access key>/<YYYYMMDD>/<region>/s3/aws4_request".`,
    );
  }
  const [scopeDate, region, service, terminator] = parts.slice(-4) as [string, string, string, string];
  const accessKeyId = parts.slice(0, -4).join("/");
  if (accessKeyId === "") throw new S3AuthError(malformed, "The credential names no access key.");
  return { accessKeyId, scopeDate, region, service, terminator };
}

function parseSignedHeaders(text: string, malformed: Malformed): string[] {
  const names = text.split(";");
  for (const name of names) {
    if (!HEADER_NAME.test(name)) {
      throw new S3AuthError(malformed, `SignedHeaders "${text}" is malformed: lower-case header names separated by ";".`);
    }
  }
  return names;
}

function parseSignatureValue(text: string, malformed: Malformed): string {
  const signature = text.toLowerCase();
  if (!SIGNATURE.test(signature)) throw new S3AuthError(malformed, "The signature must be 64 hexadecimal digits.");
  return signature;
}

/** The Authorization header's three components (any order, `, ` or `,` between them). */
function parseAuthorizationHeader(value: string, headers: IncomingHttpHeaders): ParsedSignature {
  const malformed = "AuthorizationHeaderMalformed";
  const fields = new Map<string, string>();
  for (const component of value.slice(AUTHORIZATION_PREFIX.length).split(",")) {
    const part = component.trim();
    if (part === "") continue;
    const cut = part.indexOf("=");
    const name = cut < 0 ? part : part.slice(0, cut);
    if (cut < 0 || !["Credential", "SignedHeaders", "Signature"].includes(name) || fields.has(name)) {
      throw new S3AuthError(malformed, `The authorization header is malformed: unexpected component "${part.slice(0, 40)}".`);
    }
    fields.set(name, part.slice(cut + 1).trim());
  }
  for (const name of ["Credential", "SignedHeaders", "Signature"]) {
    if (!fields.has(name)) throw new S3AuthError(malformed, `The authorization header is malformed: it has no ${name}.`);
  }
  const credential = parseCredential(fields.get("Credential")!, malformed);
  const signedHeaders = parseSignedHeaders(fields.get("SignedHeaders")!, malformed);
  const signature = parseSignatureValue(fields.get("Signature")!, malformed);

  const xAmzDate = firstHeader(headers, "x-amz-date");
  let signedAt: Date | null;
  let requestDate: string;
  if (xAmzDate !== undefined) {
    signedAt = parseAmzDate(xAmzDate.trim());
    requestDate = xAmzDate.trim();
  } else {
    const date = firstHeader(headers, "date");
    if (date === undefined) {
      throw new S3AuthError("AccessDenied", "AWS authentication requires a valid Date or x-amz-date header.");
    }
    if (!signedHeaders.includes("date")) throw new S3AuthError("AccessDenied", "The Date header must be signed when there is no x-amz-date.");
    const parsed = Date.parse(date);
    signedAt = Number.isNaN(parsed) ? null : new Date(parsed);
    requestDate = signedAt ? amzDate(signedAt) : date;
  }
  if (!signedAt) throw new S3AuthError("AccessDenied", "AWS authentication requires a valid Date or x-amz-date header.");
  return { via: "header", ...credential, signedHeaders, signature, amzDate: requestDate, signedAt };
}

const PRESIGNED_PARAMETERS = ["X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-Expires", "X-Amz-SignedHeaders", "X-Amz-Signature"];

/** The query split once: its raw pairs (for the canonical query) and its X-Amz-* parameters. */
interface QueryParameters {
  pairs: [string, string][];
  /** The X-Amz-* parameters, decoded, by name as sent. */
  amz: Map<string, string>;
  /** The same by lower-case name (the first one, when only the case differs). */
  amzLowerCase: Map<string, string>;
}

/**
 * The query's X-Amz-* parameters (any case: the AWS SDK's presigner puts a lower-case
 * `x-amz-content-sha256=UNSIGNED-PAYLOAD` there), decoded; a repeated one is refused.
 */
function queryParameters(rawQuery: string): QueryParameters {
  const pairs = rawQueryPairs(rawQuery);
  const amz = new Map<string, string>();
  const amzLowerCase = new Map<string, string>();
  for (const [rawName, rawValue] of pairs) {
    const name = decodeQueryText(rawName);
    const lowerCase = name.slice(0, 6).toLowerCase() === "x-amz-" ? name.toLowerCase() : null;
    if (lowerCase === null) continue;
    if (amz.has(name)) {
      throw new S3AuthError("AuthorizationQueryParametersError", `The query parameter ${name} appears more than once.`);
    }
    const value = decodeQueryText(rawValue);
    amz.set(name, value);
    if (!amzLowerCase.has(lowerCase)) amzLowerCase.set(lowerCase, value);
  }
  return { pairs, amz, amzLowerCase };
}

function parsePresigned(parameters: Map<string, string>): ParsedSignature {
  const malformed = "AuthorizationQueryParametersError";
  if (parameters.get("X-Amz-Algorithm") !== ALGORITHM) {
    throw new S3AuthError(malformed, `X-Amz-Algorithm only supports "${ALGORITHM}".`);
  }
  for (const name of PRESIGNED_PARAMETERS) {
    if (!parameters.has(name)) {
      throw new S3AuthError(
        malformed,
        `Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters; ${name} is missing.`,
      );
    }
  }
  const credential = parseCredential(parameters.get("X-Amz-Credential")!, malformed);
  const signedHeaders = parseSignedHeaders(parameters.get("X-Amz-SignedHeaders")!, malformed);
  const signature = parseSignatureValue(parameters.get("X-Amz-Signature")!, malformed);
  const requestDate = parameters.get("X-Amz-Date")!;
  const signedAt = parseAmzDate(requestDate);
  if (!signedAt) throw new S3AuthError(malformed, `X-Amz-Date must be in the ISO 8601 basic form YYYYMMDD'T'HHMMSS'Z', not "${requestDate}".`);
  const expires = parameters.get("X-Amz-Expires")!;
  if (!/^\d{1,10}$/.test(expires)) throw new S3AuthError(malformed, "X-Amz-Expires must be a whole number of seconds.");
  const expiresSeconds = Number(expires);
  if (expiresSeconds < 1) throw new S3AuthError(malformed, "X-Amz-Expires must be at least 1 second.");
  if (expiresSeconds > MAX_PRESIGNED_EXPIRES_SECONDS) {
    throw new S3AuthError(malformed, `X-Amz-Expires must be less than a week (in seconds); that is, the given X-Amz-Expires must be at most ${MAX_PRESIGNED_EXPIRES_SECONDS}.`);
  }
  return { via: "presigned", ...credential, signedHeaders, signature, amzDate: requestDate, signedAt, expiresSeconds };
}

function checkScope(parsed: ParsedSignature, region: string): void {
  const malformed: Malformed = parsed.via === "header" ? "AuthorizationHeaderMalformed" : "AuthorizationQueryParametersError";
  const what = parsed.via === "header" ? "The authorization header is malformed;" : "Error parsing the X-Amz-Credential parameter;";
  if (!/^\d{8}$/.test(parsed.scopeDate) || parsed.scopeDate !== parsed.amzDate.slice(0, 8)) {
    throw new S3AuthError(malformed, `${what} Invalid credential date "${parsed.scopeDate}". Date is not the same as X-Amz-Date: "${parsed.amzDate.slice(0, 8)}".`);
  }
  if (parsed.region !== region) {
    throw new S3AuthError(malformed, `${what} the region '${parsed.region}' is wrong; expecting '${region}'`, { Region: region });
  }
  if (parsed.service !== SERVICE) {
    throw new S3AuthError(malformed, `${what} incorrect service "${parsed.service}". This endpoint belongs to "${SERVICE}".`);
  }
  if (parsed.terminator !== TERMINATOR) {
    throw new S3AuthError(malformed, `${what} incorrect terminal "${parsed.terminator}". This endpoint uses "${TERMINATOR}".`);
  }
}

function checkTime(parsed: ParsedSignature, now: Date): Date | undefined {
  const signedAt = parsed.signedAt.getTime();
  const skewMs = MAX_CLOCK_SKEW_SECONDS * 1000;
  if (parsed.via === "header") {
    if (Math.abs(now.getTime() - signedAt) > skewMs) {
      throw new S3AuthError("RequestTimeTooSkewed", "The difference between the request time and the current time is too large.", {
        RequestTime: parsed.amzDate,
        ServerTime: now.toISOString(),
        MaxAllowedSkewMilliseconds: String(skewMs),
      });
    }
    return undefined;
  }
  const expiresAt = new Date(signedAt + parsed.expiresSeconds! * 1000);
  if (now.getTime() > expiresAt.getTime()) {
    throw new S3AuthError("AccessDenied", "Request has expired", {
      "X-Amz-Expires": String(parsed.expiresSeconds),
      Expires: expiresAt.toISOString(),
      ServerTime: now.toISOString(),
    });
  }
  if (signedAt > now.getTime() + skewMs) {
    throw new S3AuthError("AccessDenied", "Request is not valid yet", { "X-Amz-Date": parsed.amzDate, ServerTime: now.toISOString() });
  }
  return expiresAt;
}

/** Every x-amz-* header the request carries must be signed, and so must host. */
function checkSignedHeaders(parsed: ParsedSignature, req: S3SignedRequest): void {
  if (!parsed.signedHeaders.includes("host")) {
    throw new S3AuthError(
      "AccessDenied",
      "The signature must cover the host header: a signature that leaves it out could be replayed against another bucket's host.",
    );
  }
  const names = req.rawHeaders
    ? req.rawHeaders.filter((_, i) => i % 2 === 0).map((name) => name.toLowerCase())
    : Object.keys(req.headers).map((name) => name.toLowerCase());
  const unsigned = [...new Set(names.filter((name) => name.startsWith("x-amz-") && !parsed.signedHeaders.includes(name)))];
  if (unsigned.length > 0) {
    throw new S3AuthError("AccessDenied", `There were headers present in the request which were not signed: ${unsigned.join(", ")}`, {
      HeadersNotSigned: unsigned.join(", "),
    });
  }
}

function invalidPayloadHash(value: string): S3AuthError {
  return new S3AuthError(
    "InvalidArgument",
    `x-amz-content-sha256 must be UNSIGNED-PAYLOAD, ${STREAMING_SIGNED_PAYLOAD}, ${STREAMING_SIGNED_PAYLOAD_TRAILER}, ${STREAMING_UNSIGNED_PAYLOAD_TRAILER}, or a valid sha256 value; got "${value.slice(0, 80)}".`,
  );
}

/** The payload hash the canonical request ends with, and the mode it names. */
function payloadOf(parsed: ParsedSignature, req: S3SignedRequest, parameters: QueryParameters | null): { hash: string; mode: PayloadMode } {
  const header = headerValues("x-amz-content-sha256", req.headers, req.rawHeaders);
  if (header.length > 1) throw new S3AuthError("InvalidArgument", "x-amz-content-sha256 appears more than once.");
  let value = header[0]?.trim();
  if (value === undefined && parameters) value = parameters.amzLowerCase.get("x-amz-content-sha256");
  if (value === undefined) {
    if (parsed.via === "header") {
      throw new S3AuthError("MissingSecurityHeader", "Missing required header for this request: x-amz-content-sha256");
    }
    return { hash: UNSIGNED_PAYLOAD, mode: { kind: "unsigned" } };
  }
  const mode = payloadModeOf(value);
  if (!mode) throw invalidPayloadHash(value);
  return { hash: value, mode };
}

/**
 * Signing keys derived lately: the key depends only on the secret, the day and the region, and
 * deriving it is four HMACs per request. Bounded; the oldest entry goes first. The buffers are
 * shared and only ever read (as HMAC keys).
 */
const signingKeys = new Map<string, Buffer>();
const MAX_SIGNING_KEYS = 256;

function cachedSigningKey(secret: string, scopeDate: string, region: string): Buffer {
  const id = `${scopeDate}/${region}\n${secret}`;
  let key = signingKeys.get(id);
  if (!key) {
    key = deriveSigningKey(secret, scopeDate, region);
    signingKeys.set(id, key);
    if (signingKeys.size > MAX_SIGNING_KEYS) signingKeys.delete(signingKeys.keys().next().value!);
  }
  return key;
}

/**
 * Verifies a SigV4-signed S3 request and says who signed it and how its body is to be checked.
 * `lookupSecret` returns the secret of an enabled access key, or null (unknown or disabled).
 * Throws S3AuthError (at once, or as the promise's rejection when the secret was looked up); the
 * request is then refused, never treated as anonymous. At once when `lookupSecret` answers from
 * its cache (lib/maybe-promise.ts).
 */
export function verifySigV4(
  req: S3SignedRequest,
  lookupSecret: (accessKeyId: string) => MaybePromise<string | null>,
  options: { region: string; now?: Date },
): MaybePromise<S3Identity> {
  const now = options.now ?? new Date();
  const authorization = headerValues("authorization", req.headers, req.rawHeaders);
  const query = queryParameters(req.rawQuery);
  const parameters = query.amz;
  const presigned = parameters.has("X-Amz-Algorithm") || parameters.has("X-Amz-Signature") || parameters.has("X-Amz-Credential");

  let parsed: ParsedSignature;
  if (authorization.length > 0) {
    if (presigned) throw new S3AuthError("InvalidArgument", "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter or the Authorization header should be specified.");
    if (authorization.length > 1) throw new S3AuthError("AuthorizationHeaderMalformed", "The request has more than one Authorization header.");
    const value = authorization[0]!;
    if (!value.startsWith(AUTHORIZATION_PREFIX)) throw new S3AuthError("InvalidArgument", "Unsupported Authorization Type");
    parsed = parseAuthorizationHeader(value, req.headers);
  } else if (presigned) {
    parsed = parsePresigned(parameters);
  } else {
    throw new S3AuthError("AccessDenied", "The request carries no AWS Signature Version 4.");
  }

  checkScope(parsed, options.region);
  const expiresAt = checkTime(parsed, now);
  checkSignedHeaders(parsed, req);
  if (query.amzLowerCase.has("x-amz-security-token") || headerValues("x-amz-security-token", req.headers, req.rawHeaders).length > 0) {
    throw new S3AuthError("InvalidArgument", "Session tokens (X-Amz-Security-Token) are not supported: sign with an access key and its secret.");
  }
  const payload = payloadOf(parsed, req, parsed.via === "presigned" ? query : null);

  return andThen(lookupSecret(parsed.accessKeyId), (secret) => {
    if (secret === null) {
      throw new S3AuthError("InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records.", { AWSAccessKeyId: parsed.accessKeyId });
    }

    const scope = credentialScope(parsed.scopeDate, parsed.region);
    const canonical = canonicalRequest({
      method: req.method,
      rawPath: req.rawPath,
      rawQuery: req.rawQuery,
      queryPairs: query.pairs,
      headers: req.headers,
      rawHeaders: req.rawHeaders,
      signedHeaders: parsed.signedHeaders,
      payloadHash: payload.hash,
      omitQuery: parsed.via === "presigned" ? "X-Amz-Signature" : undefined,
    });
    const toSign = stringToSign(parsed.amzDate, scope, canonical);
    const signingKey = cachedSigningKey(secret, parsed.scopeDate, parsed.region);
    const expected = signHex(signingKey, toSign);
    if (!timingSafeEqual(Buffer.from(expected, "hex"), Buffer.from(parsed.signature, "hex"))) {
      throw new S3AuthError(
        "SignatureDoesNotMatch",
        "The request signature we calculated does not match the signature you provided. Check your key and signing method.",
        { AWSAccessKeyId: parsed.accessKeyId, StringToSign: toSign, SignatureProvided: parsed.signature, CanonicalRequest: canonical },
      );
    }

    const identity: Omit<S3Identity, "chunkSigning"> = {
      accessKeyId: parsed.accessKeyId,
      payload: payload.mode,
      via: parsed.via,
      signedAt: parsed.signedAt,
      ...(expiresAt ? { expiresAt } : {}),
      signedHeaders: parsed.signedHeaders,
    };
    Object.defineProperty(identity, "chunkSigning", {
      value: { signingKey, amzDate: parsed.amzDate, scope, seedSignature: parsed.signature } satisfies ChunkSigningContext,
      enumerable: false,
    });
    return identity as S3Identity;
  });
}
