import { createHash } from "node:crypto";

/** The HTTP headers kept with an object (mirroring-semantics.md, "Stored metadata"). */
export const STORED_HTTP_HEADERS = [
  "content-type",
  "content-encoding",
  "content-disposition",
  "cache-control",
  "expires",
  "content-language",
  "access-control-allow-origin",
] as const;

export const USER_META_PREFIX = "x-bce-meta-";

/** A Content-MD5 header (base64 of 16 bytes) as hex, or "invalid" when it is not one. */
export function contentMd5Hex(value: string): string | "invalid" {
  const bytes = Buffer.from(value, "base64");
  return bytes.length === 16 ? bytes.toString("hex") : "invalid";
}

type HeaderBag = Record<string, string | string[] | undefined>;

const single = (value: string | string[] | undefined) => (Array.isArray(value) ? value.join(", ") : value);

export function pickStoredHeaders(headers: HeaderBag): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const name of STORED_HTTP_HEADERS) {
    const value = single(headers[name]);
    if (value !== undefined) picked[name] = value;
  }
  return picked;
}

export function pickUserMeta(headers: HeaderBag): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (name.startsWith(USER_META_PREFIX) && value !== undefined) picked[name] = single(value)!;
  }
  return picked;
}

/** One blob of an object stored as several, and how many of the object's bytes it holds. */
export interface BlobSpan {
  blobName: string;
  size: number;
}

export interface ObjectRecord {
  bucketId: number;
  key: string;
  size: number;
  /** Hex MD5 of the bytes, or S3's multipart form (MD5 of the parts' MD5s, then `-N`). */
  etag: string;
  storageClass: string;
  httpMeta: Record<string, string>;
  userMeta: Record<string, string>;
  /** Verified x-amz-checksum-* values: algorithm (`crc32`, `crc32c`, `sha1`, `sha256`) to base64. */
  checksums: Record<string, string>;
  sourceUrl: string | null;
  /** The blob that holds the bytes; for an object stored as several, the first of `segments`. */
  blobName: string;
  /** Every blob in order, when the bytes are stored as several (a completed multipart upload). */
  segments?: readonly BlobSpan[];
  lastModified: Date;
}

/** The hex MD5 of an object's bytes when its ETag is one (a multipart ETag is not): what a copy can be checked against. */
export function contentMd5Of(object: Pick<ObjectRecord, "etag">): string | null {
  return /^[0-9a-f]{32}$/.test(object.etag) ? object.etag : null;
}

/**
 * S3's ETag of a multipart object: the MD5 of the concatenated binary MD5s of its parts, in hex,
 * then `-` and the number of parts.
 */
export function multipartEtag(partMd5s: readonly string[]): string {
  const hash = createHash("md5");
  for (const md5 of partMd5s) hash.update(Buffer.from(md5, "hex"));
  return `${hash.digest("hex")}-${partMd5s.length}`;
}
