/**
 * Request bodies of S3 operations. Every body goes through the SigV4 layer's decoder, which
 * removes aws-chunked framing, verifies chunk signatures, the signed payload hash and any
 * x-amz-checksum-* (header or trailer), and fails the stream before its end when something does
 * not match, so a consumer that stores it commits nothing.
 */
import { createHash } from "node:crypto";
import { contentMd5Hex } from "@/lib/objects/object-meta";
import { declaredObjectSize, decodePayload } from "./auth/payload";
import type { S3Context } from "./context";
import { S3Error } from "./s3-error";
import { parseXml, readBody, type XmlNode } from "./xml";

export interface DecodedBody {
  bytes: AsyncIterable<Buffer>;
  /** The checksums verified (x-amz-checksum-* name to base64 value), once the bytes are read. */
  checksums(): Record<string, string>;
}

export function requestBody(ctx: S3Context): DecodedBody {
  if (!ctx.identity) throw new S3Error("AccessDenied", "This request needs an AWS Signature Version 4 signature.");
  return decodePayload(ctx.req as AsyncIterable<Buffer>, ctx.identity, ctx.req.headers);
}

const single = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

/** The object's length as the client declared it: the decoded length of an aws-chunked body, else Content-Length. */
export function declaredSize(ctx: S3Context): number | null {
  return ctx.identity ? declaredObjectSize(ctx.req.headers, ctx.identity) : null;
}

/** Content-MD5 as hex; InvalidDigest when it is not the base64 of 16 bytes. */
export function contentMd5(headers: S3Context["req"]["headers"]): string | null {
  const header = single(headers["content-md5"]);
  if (header === undefined) return null;
  const md5 = contentMd5Hex(header);
  if (md5 === "invalid") throw new S3Error("InvalidDigest", "The Content-MD5 you specified is not the base64 of a 16-byte MD5.");
  return md5;
}

/** A small XML request document (ACL, delete list, bucket configuration), verified and parsed. */
export async function readXmlRequest(ctx: S3Context, root: string): Promise<XmlNode | null> {
  const expectedMd5 = contentMd5(ctx.req.headers);
  const bytes = await readBody(requestBody(ctx).bytes);
  if (expectedMd5 !== null && createHash("md5").update(bytes).digest("hex") !== expectedMd5) {
    throw new S3Error("BadDigest", "The Content-MD5 you specified did not match what was received.");
  }
  if (bytes.length === 0) return null;
  return parseXml(bytes, root);
}
