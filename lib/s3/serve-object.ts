/**
 * GetObject and HeadObject of a stored object, as S3 answers them: S3's headers (x-amz-meta-*,
 * x-amz-storage-class), conditional requests (412 and 304, with RFC 7232's precedence), one byte
 * range (206 / 416, parsed as BOS parses it), and the response-content-* overrides of signed
 * requests.
 */
import type { IncomingMessage, OutgoingHttpHeaders } from "node:http";
import { parseRange, sendStoredObject } from "@/lib/http/stored-object-body";
import type { MaybePromise } from "@/lib/maybe-promise";
import type { ObjectRecord } from "@/lib/objects/object-meta";
import type { S3Context } from "./context";
import { userMetaToS3 } from "./metadata";
import { S3Error } from "./s3-error";
import { checksumHeaders, wantsChecksums } from "./stored-checksums";

export function s3ObjectHeaders(object: ObjectRecord): OutgoingHttpHeaders {
  return {
    "content-type": "application/octet-stream",
    ...object.httpMeta,
    ...userMetaToS3(object.userMeta),
    etag: `"${object.etag}"`,
    "last-modified": object.lastModified.toUTCString(),
    "accept-ranges": "bytes",
    "x-amz-storage-class": object.storageClass,
  };
}

/** `response-content-type=…` and the like: the header each query parameter overrides. */
const RESPONSE_OVERRIDES: Record<string, string> = {
  "response-content-type": "content-type",
  "response-content-language": "content-language",
  "response-expires": "expires",
  "response-cache-control": "cache-control",
  "response-content-disposition": "content-disposition",
  "response-content-encoding": "content-encoding",
};

function etagMatches(header: string, etag: string): boolean {
  return header.split(",").some((tag) => {
    const value = tag.trim().replace(/^W\//, "");
    return value === "*" || value === `"${etag}"` || value === etag;
  });
}

/** Seconds, as HTTP dates have no more. */
const wholeSeconds = (date: Date) => Math.floor(date.getTime() / 1000) * 1000;

export type Precondition = "ok" | "not-modified" | "failed";

/** A header's value, several joined by commas. Not a closure: tsx keeps function names, so a named closure made per request costs a defineProperty each time. */
function headerText(headers: IncomingMessage["headers"], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(",") : value;
}

/**
 * RFC 7232 section 6, as S3 applies it: If-Match (else If-Unmodified-Since) can fail the request
 * (412); If-None-Match (else If-Modified-Since) makes it 304. The names are passed so CopyObject can
 * check its x-amz-copy-source-if-* headers the same way.
 */
export function evaluatePreconditions(
  headers: IncomingMessage["headers"],
  object: Pick<ObjectRecord, "etag" | "lastModified">,
  names = { ifMatch: "if-match", ifUnmodifiedSince: "if-unmodified-since", ifNoneMatch: "if-none-match", ifModifiedSince: "if-modified-since" },
): Precondition {
  const modified = wholeSeconds(object.lastModified);
  const ifMatch = headerText(headers, names.ifMatch);
  if (ifMatch !== undefined) {
    if (!etagMatches(ifMatch, object.etag)) return "failed";
  } else {
    const since = Date.parse(headerText(headers, names.ifUnmodifiedSince) ?? "");
    if (!Number.isNaN(since) && modified > since) return "failed";
  }
  const ifNoneMatch = headerText(headers, names.ifNoneMatch);
  if (ifNoneMatch !== undefined) {
    if (etagMatches(ifNoneMatch, object.etag)) return "not-modified";
  } else {
    const since = Date.parse(headerText(headers, names.ifModifiedSince) ?? "");
    if (!Number.isNaN(since) && modified <= since) return "not-modified";
  }
  return "ok";
}

/** What Node (and HTTP) accepts in a header value; anything else would fail the response after its status was chosen. */
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

/** The response-content-* overrides of the request; refused for anonymous requests, as S3 does. */
export function responseOverrides(ctx: S3Context): Record<string, string> {
  const overrides: Record<string, string> = {};
  for (const [parameter, header] of Object.entries(RESPONSE_OVERRIDES)) {
    const value = ctx.target.query.get(parameter);
    if (value === null) continue;
    if (!ctx.identity) throw new S3Error("InvalidRequest", "Request specific response headers cannot be used for anonymous GET requests.");
    if (!HEADER_VALUE.test(value)) {
      throw new S3Error(
        "InvalidArgument",
        `${parameter} must be text a response header can carry (tabs, printable ASCII, Latin-1; no line breaks). Encode other characters, e.g. filename*=UTF-8''%E7%8C%AB.txt.`,
      );
    }
    overrides[header] = value;
  }
  return overrides;
}

export function serveS3Object(ctx: S3Context, object: ObjectRecord): MaybePromise<void> {
  const { req, res } = ctx;
  const overrides = responseOverrides(ctx);
  const headers = s3ObjectHeaders(object);
  const precondition = evaluatePreconditions(req.headers, object);
  if (precondition === "failed") throw new S3Error("PreconditionFailed", "At least one of the preconditions you specified did not hold.");
  if (precondition === "not-modified") {
    res.writeHead(304, { etag: headers.etag, "last-modified": headers["last-modified"] });
    res.end();
    return;
  }
  Object.assign(headers, overrides);
  // The whole object's checksums, when asked for, and only with the whole object (not a range).
  if (wantsChecksums(req.headers) && parseRange(req.headers.range, object.size) === null) Object.assign(headers, checksumHeaders(object.checksums));
  return sendStoredObject(req, res, ctx.objects, object, headers);
}
