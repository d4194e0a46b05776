/**
 * Object metadata as S3 sends and shows it. User metadata is stored once, under BOS's header names
 * (`x-bce-meta-color`), so an object written through either protocol shows the same metadata
 * through both: S3 maps `x-amz-meta-*` to and from that prefix. The stored HTTP headers are BOS's
 * list; `aws-chunked`, the upload's transfer framing, is never stored as a content encoding.
 */
import type { IncomingHttpHeaders } from "node:http";
import { USER_META_PREFIX, pickStoredHeaders } from "@/lib/objects/object-meta";
import { storedContentEncoding } from "./auth/payload";

export const S3_USER_META_PREFIX = "x-amz-meta-";

type HeaderBag = Record<string, string | string[] | undefined>;

/** `x-amz-meta-*` request headers as stored user metadata (`x-bce-meta-*`). */
export function userMetaFromS3(headers: HeaderBag): Record<string, string> {
  const meta: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!name.startsWith(S3_USER_META_PREFIX) || value === undefined || name.length === S3_USER_META_PREFIX.length) continue;
    meta[USER_META_PREFIX + name.slice(S3_USER_META_PREFIX.length)] = Array.isArray(value) ? value.join(",") : value;
  }
  return meta;
}

/** Stored user metadata as S3 response headers. */
export function userMetaToS3(userMeta: Record<string, string>): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(userMeta)) {
    if (name.startsWith(USER_META_PREFIX)) headers[S3_USER_META_PREFIX + name.slice(USER_META_PREFIX.length)] = value;
  }
  return headers;
}

/** The HTTP headers an S3 upload asks to keep with the object (aws-chunked is the upload's framing, never stored). */
export function storedHeadersFromS3(headers: IncomingHttpHeaders): Record<string, string> {
  const stored = pickStoredHeaders(headers);
  const encoding = storedContentEncoding(stored["content-encoding"]);
  if (encoding === undefined) delete stored["content-encoding"];
  else stored["content-encoding"] = encoding;
  return stored;
}
