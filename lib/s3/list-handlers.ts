/**
 * ListObjects (v1, marker) and ListObjectsV2 (continuation-token, start-after), over the object
 * service's listing (UTF-8 byte order, common prefixes rolled up at the delimiter), at most 1,000
 * keys a page. `encoding-type=url` percent-encodes every key and prefix in the answer.
 */
import type { BucketRecord } from "@/lib/buckets/bucket-record";
import type { ListPage } from "@/lib/objects/object-repository";
import { OWNER } from "./bucket-handlers";
import type { S3Context } from "./context";
import { sendXml } from "./respond";
import { S3Error } from "./s3-error";
import { buildXml, type XmlNode } from "./xml";

export const MAX_KEYS = 1000;

function maxKeysParam(query: URLSearchParams): number {
  const value = query.get("max-keys");
  if (value === null || value === "") return MAX_KEYS;
  if (!/^\d+$/.test(value)) throw new S3Error("InvalidArgument", "max-keys must be a whole number from 0 up.", { fields: { ArgumentName: "max-keys", ArgumentValue: value } });
  // S3 answers at most 1,000 keys a page, whatever a client asks for.
  return Math.min(Number(value), MAX_KEYS);
}

function encoder(query: URLSearchParams): (value: string) => string {
  const type = query.get("encoding-type");
  if (type === null) return (value) => value;
  if (type !== "url") throw new S3Error("InvalidArgument", "Invalid Encoding Method specified in Request: encoding-type may only be url.");
  // As S3 does: percent-encoded UTF-8, with "/" kept for readability (decoders take it either way).
  return (value) => encodeURIComponent(value).replaceAll("%2F", "/");
}

const EMPTY_PAGE: ListPage = { objects: [], commonPrefixes: [], isTruncated: false, nextMarker: null };

async function readPage(ctx: S3Context, bucket: BucketRecord, options: { prefix: string; delimiter: string; marker: string; maxKeys: number }): Promise<ListPage> {
  if (options.maxKeys === 0) return EMPTY_PAGE;
  return ctx.objects.list(bucket.id, options);
}

function entries(page: ListPage, encode: (value: string) => string, withOwner: boolean): XmlNode {
  return {
    Contents: page.objects.map((object) => ({
      Key: encode(object.key),
      LastModified: object.lastModified.toISOString(),
      ETag: `"${object.etag}"`,
      Size: object.size,
      ...(withOwner ? { Owner: OWNER } : {}),
      StorageClass: object.storageClass,
    })),
    CommonPrefixes: page.commonPrefixes.map((prefix) => ({ Prefix: encode(prefix) })),
  };
}

export async function listObjectsV1(ctx: S3Context, bucket: BucketRecord): Promise<void> {
  const { query } = ctx.target;
  const prefix = query.get("prefix") ?? "";
  const delimiter = query.get("delimiter") ?? "";
  const marker = query.get("marker") ?? "";
  const maxKeys = maxKeysParam(query);
  const encode = encoder(query);
  const page = await readPage(ctx, bucket, { prefix, delimiter, marker, maxKeys });
  const xml = buildXml("ListBucketResult", {
    Name: bucket.name,
    Prefix: encode(prefix),
    Marker: encode(marker),
    MaxKeys: maxKeys,
    ...(delimiter !== "" ? { Delimiter: encode(delimiter) } : {}),
    ...(query.has("encoding-type") ? { EncodingType: "url" } : {}),
    IsTruncated: page.isTruncated,
    ...(page.nextMarker !== null ? { NextMarker: encode(page.nextMarker) } : {}),
    ...entries(page, encode, true),
  });
  sendXml(ctx.res, 200, xml);
}

/** Continuation tokens are opaque to clients: the next page's marker, base64url-encoded. */
export function continuationToken(marker: string): string {
  return Buffer.from(`v1:${marker}`, "utf8").toString("base64url");
}

function markerOfToken(token: string): string {
  const decoded = /^[A-Za-z0-9_-]+$/.test(token) ? Buffer.from(token, "base64url").toString("utf8") : "";
  if (!decoded.startsWith("v1:")) throw new S3Error("InvalidArgument", "The continuation token provided is incorrect.", { fields: { ArgumentName: "continuation-token" } });
  return decoded.slice(3);
}

export async function listObjectsV2(ctx: S3Context, bucket: BucketRecord): Promise<void> {
  const { query } = ctx.target;
  if (query.get("list-type") !== "2") throw new S3Error("InvalidArgument", "list-type may only be 2.", { fields: { ArgumentName: "list-type" } });
  const prefix = query.get("prefix") ?? "";
  const delimiter = query.get("delimiter") ?? "";
  const startAfter = query.get("start-after") ?? "";
  const token = query.get("continuation-token");
  const maxKeys = maxKeysParam(query);
  const encode = encoder(query);
  const fetchOwner = query.get("fetch-owner") === "true";
  // The token, when there is one, says where the previous page ended; start-after only starts the first page.
  const marker = token !== null ? markerOfToken(token) : startAfter;
  const page = await readPage(ctx, bucket, { prefix, delimiter, marker, maxKeys });
  const xml = buildXml("ListBucketResult", {
    Name: bucket.name,
    Prefix: encode(prefix),
    ...(delimiter !== "" ? { Delimiter: encode(delimiter) } : {}),
    MaxKeys: maxKeys,
    ...(query.has("encoding-type") ? { EncodingType: "url" } : {}),
    KeyCount: page.objects.length + page.commonPrefixes.length,
    IsTruncated: page.isTruncated,
    ...(token !== null ? { ContinuationToken: token } : {}),
    ...(page.nextMarker !== null ? { NextContinuationToken: continuationToken(page.nextMarker) } : {}),
    ...(startAfter !== "" ? { StartAfter: encode(startAfter) } : {}),
    ...entries(page, encode, fetchOwner),
  });
  sendXml(ctx.res, 200, xml);
}
