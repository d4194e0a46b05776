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

export interface ObjectRecord {
  bucketId: number;
  key: string;
  size: number;
  /** Hex MD5 of the bytes. */
  etag: string;
  storageClass: string;
  httpMeta: Record<string, string>;
  userMeta: Record<string, string>;
  sourceUrl: string | null;
  blobName: string;
  lastModified: Date;
}
