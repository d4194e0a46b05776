/**
 * Multipart uploads: CreateMultipartUpload, UploadPart, UploadPartCopy, CompleteMultipartUpload,
 * AbortMultipartUpload, ListParts and ListMultipartUploads, over lib/objects/multipart-service.ts.
 * Parts stream to blobs through the same checks as PutObject (aws-chunked, checksums, Content-MD5).
 */
import type { BucketRecord } from "@/lib/buckets/bucket-record";
import { MAX_LISTED, parseListCount, parsePartNumber, rollUpUploads } from "@/lib/objects/multipart-params";
import { MAX_PART_NUMBER, type MultipartUploadRecord } from "@/lib/objects/multipart-service";
import { OWNER } from "./bucket-handlers";
import { contentMd5, declaredSize, readXmlRequest, requestBody } from "./body";
import type { S3Context } from "./context";
import { storedHeadersFromS3, userMetaFromS3 } from "./metadata";
import { copySourceBytes, requireKey, storageClassFor } from "./object-handlers";
import { sendXml } from "./respond";
import { checksumElements, checksumsFromElements, compositeChecksums, storedChecksums } from "./stored-checksums";
import { S3Error } from "./s3-error";
import { buildXml, childText, children, type XmlNode } from "./xml";

function uploadIdOf(ctx: S3Context): string {
  const uploadId = ctx.target.query.get("uploadId");
  if (!uploadId) throw new S3Error("InvalidArgument", "uploadId must name a multipart upload.", { fields: { ArgumentName: "uploadId" } });
  return uploadId;
}

function currentUpload(ctx: S3Context, bucket: BucketRecord): Promise<MultipartUploadRecord> {
  return ctx.multipart.find(bucket.id, requireKey(ctx.target.key), uploadIdOf(ctx));
}

function partNumberOf(ctx: S3Context): number {
  const value = ctx.target.query.get("partNumber") ?? "";
  const number = parsePartNumber(value);
  if (number === null) {
    throw new S3Error("InvalidArgument", `Part number must be an integer between 1 and ${MAX_PART_NUMBER}, inclusive.`, { fields: { ArgumentName: "partNumber", ArgumentValue: value } });
  }
  return number;
}

/** A whole number query parameter from 0 up, capped at 1,000 (S3's page size). */
function countParam(ctx: S3Context, name: string): number {
  const value = ctx.target.query.get(name) ?? "";
  const count = parseListCount(value, 0, MAX_LISTED);
  if (count === null) throw new S3Error("InvalidArgument", `${name} must be a whole number.`, { fields: { ArgumentName: name, ArgumentValue: value } });
  return count;
}

export async function createMultipartUpload(ctx: S3Context, bucket: BucketRecord): Promise<void> {
  const key = requireKey(ctx.target.key);
  const upload = await ctx.multipart.create({
    bucketId: bucket.id,
    key,
    storageClass: storageClassFor(ctx, bucket),
    httpMeta: storedHeadersFromS3(ctx.req.headers),
    userMeta: userMetaFromS3(ctx.req.headers),
  });
  sendXml(ctx.res, 200, buildXml("InitiateMultipartUploadResult", { Bucket: bucket.name, Key: key, UploadId: upload.uploadId }));
}

export async function uploadPart(ctx: S3Context, bucket: BucketRecord): Promise<void> {
  const partNumber = partNumberOf(ctx);
  const upload = await currentUpload(ctx, bucket);
  const size = declaredSize(ctx);
  const md5 = contentMd5(ctx.req.headers);
  const body = requestBody(ctx);
  const part = await ctx.multipart.uploadPart(upload, partNumber, body.bytes, { size, md5 }, { checksums: () => storedChecksums(body.checksums()) });
  ctx.res.writeHead(200, { etag: `"${part.etag}"`, ...body.checksums(), "content-length": 0 });
  ctx.res.end();
}

export async function uploadPartCopy(ctx: S3Context, bucket: BucketRecord): Promise<void> {
  const partNumber = partNumberOf(ctx);
  const upload = await currentUpload(ctx, bucket);
  const source = await copySourceBytes(ctx, bucket, ctx.req.headers["x-amz-copy-source-range"]);
  const part = await ctx.multipart.uploadPart(upload, partNumber, source.bytes, { size: source.size, md5: source.md5 });
  sendXml(ctx.res, 200, buildXml("CopyPartResult", { LastModified: part.lastModified.toISOString(), ETag: `"${part.etag}"` }));
}

export async function completeMultipartUpload(ctx: S3Context, bucket: BucketRecord): Promise<void> {
  const upload = await currentUpload(ctx, bucket);
  const document = await readXmlRequest(ctx, "CompleteMultipartUpload");
  if (!document) throw new S3Error("MalformedXML", "Send a CompleteMultipartUpload document listing the parts.");
  const listed = children(document, "Part").map((part) => {
    if (!part || typeof part !== "object" || Array.isArray(part)) throw new S3Error("MalformedXML", "Each Part needs a PartNumber and an ETag.");
    const partNumber = childText(part as XmlNode, "PartNumber")?.trim() ?? "";
    const etag = childText(part as XmlNode, "ETag")?.trim();
    if (!/^\d+$/.test(partNumber) || etag === undefined) throw new S3Error("MalformedXML", "Each Part needs a PartNumber and an ETag.");
    return { partNumber: Number(partNumber), etag, checksums: checksumsFromElements((element) => childText(part as XmlNode, element)) };
  });
  const record = await ctx.multipart.complete(upload, listed, { combineChecksums: compositeChecksums });
  const location = `/${encodeURIComponent(bucket.name)}/${record.key.split("/").map(encodeURIComponent).join("/")}`;
  sendXml(ctx.res, 200, buildXml("CompleteMultipartUploadResult", { Location: location, Bucket: bucket.name, Key: record.key, ETag: `"${record.etag}"`, ...checksumElements(record.checksums) }));
}

export async function abortMultipartUpload(ctx: S3Context, bucket: BucketRecord): Promise<void> {
  await ctx.multipart.abort(await currentUpload(ctx, bucket));
  ctx.res.writeHead(204);
  ctx.res.end();
}

export async function listParts(ctx: S3Context, bucket: BucketRecord): Promise<void> {
  const upload = await currentUpload(ctx, bucket);
  const markerParam = ctx.target.query.get("part-number-marker") ?? "0";
  if (!/^\d+$/.test(markerParam)) throw new S3Error("InvalidArgument", "part-number-marker must be a whole number.");
  const maxParts = countParam(ctx, "max-parts");
  const { parts, isTruncated } = maxParts === 0 ? { parts: [], isTruncated: false } : await ctx.multipart.listParts(upload, Number(markerParam), maxParts);
  const xml = buildXml("ListPartsResult", {
    Bucket: bucket.name,
    Key: upload.key,
    UploadId: upload.uploadId,
    PartNumberMarker: Number(markerParam),
    ...(parts.length > 0 ? { NextPartNumberMarker: parts[parts.length - 1]!.partNumber } : {}),
    MaxParts: maxParts,
    IsTruncated: isTruncated,
    Part: parts.map((part) => ({ PartNumber: part.partNumber, LastModified: part.lastModified.toISOString(), ETag: `"${part.etag}"`, Size: part.size, ...checksumElements(part.checksums) })),
    Initiator: OWNER,
    Owner: OWNER,
    StorageClass: upload.storageClass,
  });
  sendXml(ctx.res, 200, xml);
}

export async function listMultipartUploads(ctx: S3Context, bucket: BucketRecord): Promise<void> {
  const { query } = ctx.target;
  const prefix = query.get("prefix") ?? "";
  const delimiter = query.get("delimiter") ?? "";
  const keyMarker = query.get("key-marker") ?? "";
  const uploadIdMarker = query.get("upload-id-marker") ?? "";
  const maxUploads = countParam(ctx, "max-uploads");
  const encode = query.get("encoding-type") === "url" ? (value: string) => encodeURIComponent(value).replaceAll("%2F", "/") : (value: string) => value;
  const found = maxUploads === 0 ? { uploads: [], isTruncated: false } : await ctx.multipart.listUploads(bucket.id, { prefix, keyMarker, uploadIdMarker, maxUploads });
  const { uploads, commonPrefixes } = rollUpUploads(found.uploads, prefix, delimiter);
  const last = found.uploads[found.uploads.length - 1];
  const xml = buildXml("ListMultipartUploadsResult", {
    Bucket: bucket.name,
    KeyMarker: encode(keyMarker),
    UploadIdMarker: uploadIdMarker,
    ...(found.isTruncated && last ? { NextKeyMarker: encode(last.key), NextUploadIdMarker: last.uploadId } : {}),
    ...(delimiter !== "" ? { Delimiter: encode(delimiter) } : {}),
    Prefix: encode(prefix),
    MaxUploads: maxUploads,
    IsTruncated: found.isTruncated,
    Upload: uploads.map((upload) => ({
      Key: encode(upload.key),
      UploadId: upload.uploadId,
      Initiator: OWNER,
      Owner: OWNER,
      StorageClass: upload.storageClass,
      Initiated: upload.createdAt.toISOString(),
    })),
    CommonPrefixes: commonPrefixes.map((common) => ({ Prefix: encode(common) })),
  });
  sendXml(ctx.res, 200, xml);
}
