/**
 * Which bucket and key an S3 request addresses: virtual-host style `{bucket}.{OBJECT_HOST}/{key}`
 * when OBJECT_HOST is set and the Host is one of its subdomains, otherwise path style
 * `/{bucket}/{key}`. Bucket and key are percent-decoded once and otherwise kept exactly as sent
 * (a `+` in a path is a plus sign).
 */
import type { IncomingMessage } from "node:http";
import { S3Error } from "./s3-error";

export interface S3Target {
  bucket: string | null;
  key: string | null;
  /** The path exactly as sent (the signature covers it). */
  rawPath: string;
  /** The query string as sent, without "?". */
  rawQuery: string;
  query: URLSearchParams;
  /** `/{bucket}/{key}` for error documents. */
  resource: string;
}

function decode(part: string, what: "bucket" | "key"): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw new S3Error(what === "key" ? "InvalidArgument" : "InvalidBucketName", `The ${what} in the path is not valid percent-encoded UTF-8.`);
  }
}

export function splitUrl(url: string): { path: string; rawQuery: string } {
  const mark = url.indexOf("?");
  return { path: mark < 0 ? url : url.slice(0, mark), rawQuery: mark < 0 ? "" : url.slice(mark + 1) };
}

/** The bucket a virtual-host request names, or null for a path-style request. */
export function virtualHostBucket(req: IncomingMessage, objectHost: string | undefined): string | null {
  if (!objectHost) return null;
  const host = (req.headers.host ?? "").toLowerCase().replace(/:\d+$/, "");
  return host.endsWith(`.${objectHost}`) ? host.slice(0, -(objectHost.length + 1)) : null;
}

export function s3Target(req: IncomingMessage, objectHost: string | undefined): S3Target {
  const { path, rawQuery } = splitUrl(req.url ?? "/");
  const query = new URLSearchParams(rawQuery);
  let bucketPart: string | null;
  let keyPart: string | null;
  const hostBucket = virtualHostBucket(req, objectHost);
  if (hostBucket !== null) {
    bucketPart = hostBucket;
    keyPart = path.length > 1 ? path.slice(1) : null;
  } else {
    const rest = path.startsWith("/") ? path.slice(1) : path;
    const slash = rest.indexOf("/");
    bucketPart = rest === "" ? null : slash < 0 ? rest : rest.slice(0, slash);
    keyPart = slash < 0 || slash === rest.length - 1 ? null : rest.slice(slash + 1);
  }
  const bucket = bucketPart === null ? null : decode(bucketPart, "bucket");
  const key = keyPart === null ? null : decode(keyPart, "key");
  const resource = bucket === null ? "/" : key === null ? `/${bucket}` : `/${bucket}/${key}`;
  return { bucket, key, rawPath: path, rawQuery, query, resource };
}
