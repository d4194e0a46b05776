/**
 * One page of an S3-compatible origin's ListObjectsV2, signed with SigV4 when the job has
 * credentials (anonymous otherwise), sent through the origin client: the same SSRF guard, timeouts
 * and redirect limit as every back-to-origin request. The answer is parsed with the same safe
 * XML parser as S3 requests (no DOCTYPE entities, bounded nesting) and read with a byte limit.
 */
import { createHash, createHmac } from "node:crypto";
import { discardBody, type OriginClient } from "@/lib/origin/origin-client";
import { OriginFailure } from "@/lib/domain/errors";
import { safeXmlParser } from "@/lib/xml/safe-xml-parser";
import { OriginListingFailed, type ListedPage } from "./listed-page";

/** A ListObjectsV2 page of 1,000 keys of 1,024 bytes is about 1.5 MB; anything far larger is not one. */
const MAX_LISTING_BYTES = 8 * 1024 * 1024;
const EMPTY_SHA256 = createHash("sha256").update("").digest("hex");

export interface S3ListingSource {
  endpoint: string;
  bucket: string;
  region: string;
  prefix: string;
  credentials: { accessKeyId: string; secretAccessKey: string } | null;
}

/** RFC 3986 percent-encoding, as SigV4's canonical request wants it. */
function encodeRfc3986(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

const hmac = (key: Buffer | string, data: string) => createHmac("sha256", key).update(data, "utf8").digest();

/** SigV4 headers for a GET with an empty body (host, x-amz-date, x-amz-content-sha256, authorization). */
export function signS3Get(url: URL, region: string, credentials: { accessKeyId: string; secretAccessKey: string }, now: Date): Record<string, string> {
  const amzDate = now.toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
  const day = amzDate.slice(0, 8);
  const query = [...url.searchParams.entries()]
    .map(([name, value]) => [encodeRfc3986(name), encodeRfc3986(value)] as const)
    .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join("&");
  const path = url.pathname.split("/").map((segment) => encodeRfc3986(decodeURIComponent(segment))).join("/");
  const headers = { host: url.host, "x-amz-content-sha256": EMPTY_SHA256, "x-amz-date": amzDate };
  const signedHeaders = Object.keys(headers).join(";");
  const canonical = ["GET", path, query, ...Object.entries(headers).map(([name, value]) => `${name}:${value}`), "", signedHeaders, EMPTY_SHA256].join("\n");
  const scope = `${day}/${region}/s3/aws4_request`;
  const toSign = ["AWS4-HMAC-SHA256", amzDate, scope, createHash("sha256").update(canonical, "utf8").digest("hex")].join("\n");
  const key = hmac(hmac(hmac(hmac(`AWS4${credentials.secretAccessKey}`, day), region), "s3"), "aws4_request");
  const signature = createHmac("sha256", key).update(toSign, "utf8").digest("hex");
  return {
    "x-amz-content-sha256": EMPTY_SHA256,
    "x-amz-date": amzDate,
    authorization: `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`,
  };
}

/** `encoding-type=url` keys: percent-encoded, and "+" for a space as AWS writes them. */
function decodeKey(value: string): string {
  return decodeURIComponent(value.replaceAll("+", " "));
}

async function readLimited(body: AsyncIterable<Buffer>): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > MAX_LISTING_BYTES) throw new OriginListingFailed(`the listing answer is larger than ${MAX_LISTING_BYTES} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}

const asArray = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

export async function listS3Page(client: OriginClient, source: S3ListingSource, cursor: string | null, maxKeys: number): Promise<ListedPage> {
  const url = new URL(source.endpoint);
  url.pathname = `${url.pathname.replace(/\/+$/, "")}/${encodeRfc3986(source.bucket)}`;
  url.searchParams.set("list-type", "2");
  url.searchParams.set("encoding-type", "url");
  url.searchParams.set("max-keys", String(maxKeys));
  if (source.prefix !== "") url.searchParams.set("prefix", source.prefix);
  if (cursor !== null) url.searchParams.set("continuation-token", cursor);
  const headers = new Map(Object.entries(source.credentials ? signS3Get(url, source.region, source.credentials, new Date()) : {}));
  let response;
  try {
    response = await client.get(url.toString(), headers);
  } catch (error) {
    throw new OriginListingFailed(`listing ${source.endpoint} failed: ${error instanceof OriginFailure ? error.detail : (error as Error).message}`);
  }
  if (response.status !== 200) {
    const text = await readLimited(response.body).catch(() => "");
    const code = /<Code>([^<]{1,100})<\/Code>/.exec(text)?.[1];
    const message = /<Message>([^<]{1,300})<\/Message>/.exec(text)?.[1];
    throw new OriginListingFailed(`listing bucket ${source.bucket} at ${source.endpoint} answered HTTP ${response.status}${code ? ` ${code}` : ""}${message ? `: ${message}` : ""}`);
  }
  let document: Record<string, unknown>;
  try {
    document = safeXmlParser.parse(await readLimited(response.body)) as Record<string, unknown>;
  } catch (error) {
    discardBody(response.body);
    if (error instanceof OriginListingFailed) throw error;
    throw new OriginListingFailed(`the listing from ${source.endpoint} is not valid XML: ${(error as Error).message}`);
  }
  const result = document.ListBucketResult as Record<string, unknown> | undefined;
  if (!result || typeof result !== "object") throw new OriginListingFailed(`the answer from ${source.endpoint} is not a ListObjectsV2 result`);
  const keys = asArray(result.Contents as { Key?: string } | { Key?: string }[] | undefined).flatMap((entry) => (typeof entry?.Key === "string" ? [decodeKey(entry.Key)] : []));
  const truncated = result.IsTruncated === "true";
  const next = typeof result.NextContinuationToken === "string" ? result.NextContinuationToken : null;
  if (truncated && !next) throw new OriginListingFailed(`the listing from ${source.endpoint} is truncated but gives no continuation token`);
  return { keys, cursor: truncated ? next : null };
}
