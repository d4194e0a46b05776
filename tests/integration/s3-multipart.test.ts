/**
 * S3 multipart uploads through the AWS SDK (explicit calls and lib-storage's Upload with its
 * default checksums): parts streamed to blobs, completion without a copy (the parts' blobs become
 * the object's segments) and byte-identical, S3's `-N` ETag everywhere (HEAD, GET, list, BOS,
 * conditionals), the part rules (EntityTooSmall, InvalidPart, InvalidPartOrder, NoSuchUpload),
 * UploadPartCopy, listing parts and uploads, abort, uploads that outlive start-up recovery, and
 * nothing left behind: no part blob, no journal entry, no upload row.
 */
import { createHash, randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import path from "node:path";
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  ListPartsCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
  UploadPartCommand,
  UploadPartCopyCommand,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { env } from "@/lib/env";
import { MIN_PART_SIZE } from "@/lib/objects/multipart-service";
import { multipartEtag } from "@/lib/objects/object-meta";
import { currentApp } from "@/lib/runtime/current-app";
import { startObjectServer, type TestObjectServer } from "../support/object-server";
import { waitFor } from "../support/wait";
import { testServerS3Client } from "../support/s3-sdk-client";
import { signedFetch } from "../support/signed-fetch";

let server: TestObjectServer;
let s3: S3Client;
const BUCKET = "mp-bucket";

beforeAll(async () => {
  server = await startObjectServer();
  s3 = testServerS3Client(server.url);
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
});
afterAll(async () => {
  s3?.destroy();
  await server.stop();
});

async function failure(promise: Promise<unknown>): Promise<{ name: string; status: number | undefined }> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof S3ServiceException) return { name: error.name, status: error.$metadata.httpStatusCode };
    throw error;
  }
  throw new Error("expected the request to fail");
}

const bodyOf = async (key: string) => Buffer.from(await (await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }))).Body!.transformToByteArray());
const md5 = (bytes: Buffer) => createHash("md5").update(bytes).digest("hex");

/** No upload row, no part row, and no journal entry: nothing of an upload outlives it. */
async function expectNothingLeft(): Promise<void> {
  expect(await db().multipartUpload.count()).toBe(0);
  expect(await db().multipartPart.count()).toBe(0);
  // Journal entries end in batches off the response path.
  await waitFor(async () => (await db().pendingWrite.count()) === 0, "the upload's journal entries to end");
}

describe("explicit calls", () => {
  it("creates, uploads parts out of order, lists them, completes byte for byte, with metadata", async () => {
    const first = randomBytes(MIN_PART_SIZE);
    const last = randomBytes(1234);
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: "dir/big €.bin", ContentType: "application/x-big", Metadata: { step: "mp" } }));
    const two = await s3.send(new UploadPartCommand({ Bucket: BUCKET, Key: "dir/big €.bin", UploadId, PartNumber: 2, Body: last }));
    const one = await s3.send(new UploadPartCommand({ Bucket: BUCKET, Key: "dir/big €.bin", UploadId, PartNumber: 1, Body: first }));
    expect([one.ETag, two.ETag]).toEqual([`"${md5(first)}"`, `"${md5(last)}"`]);

    const parts = await s3.send(new ListPartsCommand({ Bucket: BUCKET, Key: "dir/big €.bin", UploadId, MaxParts: 1 }));
    expect([parts.Parts?.map((part) => [part.PartNumber, part.Size]), parts.IsTruncated, parts.NextPartNumberMarker]).toEqual([[[1, MIN_PART_SIZE]], true, "1"]);
    const partBlobs = (await db().multipartPart.findMany({ orderBy: { partNumber: "asc" } })).map((part) => part.blobName);
    const uploads = await s3.send(new ListMultipartUploadsCommand({ Bucket: BUCKET }));
    expect(uploads.Uploads?.map((upload) => [upload.Key, upload.UploadId])).toEqual([["dir/big €.bin", UploadId]]);
    // Not an object until completed.
    expect(await failure(s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: "dir/big €.bin" })))).toMatchObject({ status: 404 });

    const done = await s3.send(
      new CompleteMultipartUploadCommand({ Bucket: BUCKET, Key: "dir/big €.bin", UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: one.ETag }, { PartNumber: 2, ETag: two.ETag }] } }),
    );
    const whole = Buffer.concat([first, last]);
    // S3's form: the MD5 of the parts' binary MD5s, then the number of parts.
    const etag = `"${multipartEtag([md5(first), md5(last)])}"`;
    expect(done.ETag).toBe(etag);
    expect(etag).toMatch(/^"[0-9a-f]{32}-2"$/);
    expect((await bodyOf("dir/big €.bin")).equals(whole)).toBe(true);
    const head = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: "dir/big €.bin" }));
    expect([head.ContentLength, head.ContentType, head.Metadata, head.ETag]).toEqual([whole.length, "application/x-big", { step: "mp" }, etag]);

    // No copy: the object's blobs are the parts' blobs, in order, and no other blob was written.
    const object = await db().storedObject.findFirstOrThrow({ where: { key: "dir/big €.bin" }, include: { segments: { orderBy: { position: "asc" } } } });
    expect([object.blobName, object.blobCount, object.segments.map((segment) => segment.blobName)]).toEqual([partBlobs[0], 2, partBlobs]);

    // A range across the parts' boundary, and the ETag in listings, BOS and conditionals.
    const ranged = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: "dir/big €.bin", Range: `bytes=${MIN_PART_SIZE - 3}-${MIN_PART_SIZE + 2}` }));
    expect(Buffer.from(await ranged.Body!.transformToByteArray()).equals(whole.subarray(MIN_PART_SIZE - 3, MIN_PART_SIZE + 3))).toBe(true);
    expect([ranged.ETag, ranged.ContentRange]).toEqual([etag, `bytes ${MIN_PART_SIZE - 3}-${MIN_PART_SIZE + 2}/${whole.length}`]);
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: "dir/" }));
    expect(listed.Contents?.map((entry) => [entry.Key, entry.ETag])).toEqual([["dir/big €.bin", etag]]);
    const bos = await signedFetch(`${server.url}/v1/${BUCKET}/${encodeURIComponent("dir/big €.bin")}`, { method: "HEAD" });
    expect([bos.status, bos.headers.get("etag")]).toEqual([200, etag]);
    expect((await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: "dir/big €.bin", IfMatch: etag, Range: "bytes=0-0" }))).ContentLength).toBe(1);
    expect(await failure(s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: "dir/big €.bin", IfNoneMatch: etag })))).toMatchObject({ status: 304 });
    expect(await failure(s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: "dir/big €.bin", IfMatch: `"${md5(whole)}"` })))).toMatchObject({ name: "PreconditionFailed", status: 412 });
    const notModified = await signedFetch(`${server.url}/v1/${BUCKET}/${encodeURIComponent("dir/big €.bin")}`, { headers: { "if-none-match": etag } });
    expect(notModified.status).toBe(304);

    // Replacing and deleting the object remove every one of its blobs.
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "dir/big €.bin", Body: "replaced" }));
    for (const blobName of partBlobs) expect(existsSync(path.join(env().dataDir, "blobs", blobName.slice(0, 2), blobName))).toBe(false);
    expect(await db().objectSegment.count()).toBe(0);
    await expectNothingLeft();
  });

  it("refuses a small part that is not the last, parts out of order, unknown parts and ETags, and unknown uploads", async () => {
    const key = "rules.bin";
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: key }));
    const small = await s3.send(new UploadPartCommand({ Bucket: BUCKET, Key: key, UploadId, PartNumber: 1, Body: Buffer.from("small") }));
    const other = await s3.send(new UploadPartCommand({ Bucket: BUCKET, Key: key, UploadId, PartNumber: 2, Body: Buffer.from("other") }));
    const complete = (parts: { PartNumber: number; ETag?: string }[]) =>
      failure(s3.send(new CompleteMultipartUploadCommand({ Bucket: BUCKET, Key: key, UploadId, MultipartUpload: { Parts: parts } })));
    expect(await complete([{ PartNumber: 1, ETag: small.ETag }, { PartNumber: 2, ETag: other.ETag }])).toEqual({ name: "EntityTooSmall", status: 400 });
    expect(await complete([{ PartNumber: 2, ETag: other.ETag }, { PartNumber: 1, ETag: small.ETag }])).toEqual({ name: "InvalidPartOrder", status: 400 });
    expect(await complete([{ PartNumber: 3, ETag: other.ETag }])).toEqual({ name: "InvalidPart", status: 400 });
    expect(await complete([{ PartNumber: 1, ETag: other.ETag }])).toEqual({ name: "InvalidPart", status: 400 });
    expect(await failure(s3.send(new UploadPartCommand({ Bucket: BUCKET, Key: key, UploadId, PartNumber: 10_001, Body: "x" })))).toEqual({ name: "InvalidArgument", status: 400 });
    expect(await failure(s3.send(new UploadPartCommand({ Bucket: BUCKET, Key: key, UploadId: "nope", PartNumber: 1, Body: "x" })))).toEqual({ name: "NoSuchUpload", status: 404 });
    expect(await failure(s3.send(new UploadPartCommand({ Bucket: BUCKET, Key: "another-key", UploadId, PartNumber: 1, Body: "x" })))).toEqual({ name: "NoSuchUpload", status: 404 });

    // A single small part is a whole upload.
    await s3.send(new CompleteMultipartUploadCommand({ Bucket: BUCKET, Key: key, UploadId, MultipartUpload: { Parts: [{ PartNumber: 2, ETag: other.ETag }] } }));
    expect((await bodyOf(key)).toString()).toBe("other");
    expect(await failure(s3.send(new AbortMultipartUploadCommand({ Bucket: BUCKET, Key: key, UploadId })))).toEqual({ name: "NoSuchUpload", status: 404 });
    await expectNothingLeft();
  });

  it("replaces a part uploaded twice, copies parts from objects, and aborts without leaving anything", async () => {
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "source.bin", Body: Buffer.from("0123456789") }));
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: "copied.bin" }));
    await s3.send(new UploadPartCommand({ Bucket: BUCKET, Key: "copied.bin", UploadId, PartNumber: 1, Body: Buffer.from("first try") }));
    const copied = await s3.send(new UploadPartCopyCommand({ Bucket: BUCKET, Key: "copied.bin", UploadId, PartNumber: 1, CopySource: `${BUCKET}/source.bin`, CopySourceRange: "bytes=2-5" }));
    expect(copied.CopyPartResult?.ETag).toBe(`"${md5(Buffer.from("2345"))}"`);
    expect(await failure(s3.send(new UploadPartCopyCommand({ Bucket: BUCKET, Key: "copied.bin", UploadId, PartNumber: 2, CopySource: `${BUCKET}/source.bin`, CopySourceRange: "bytes=5-20" })))).toEqual({ name: "InvalidRange", status: 416 });
    const parts = await s3.send(new ListPartsCommand({ Bucket: BUCKET, Key: "copied.bin", UploadId }));
    expect(parts.Parts?.map((part) => [part.PartNumber, part.Size])).toEqual([[1, 4]]);
    await s3.send(new CompleteMultipartUploadCommand({ Bucket: BUCKET, Key: "copied.bin", UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: copied.CopyPartResult?.ETag }] } }));
    expect((await bodyOf("copied.bin")).toString()).toBe("2345");

    const aborted = await s3.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: "aborted.bin" }));
    await s3.send(new UploadPartCommand({ Bucket: BUCKET, Key: "aborted.bin", UploadId: aborted.UploadId, PartNumber: 1, Body: randomBytes(1000) }));
    await s3.send(new AbortMultipartUploadCommand({ Bucket: BUCKET, Key: "aborted.bin", UploadId: aborted.UploadId }));
    expect(await failure(s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: "aborted.bin" })))).toMatchObject({ status: 404 });
    await expectNothingLeft();
  });

  it("keeps uploads and their parts through start-up recovery, and aborts old ones by age", async () => {
    const { multipart, objects } = currentApp();
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: "restart.bin" }));
    const part = randomBytes(1000);
    const one = await s3.send(new UploadPartCommand({ Bucket: BUCKET, Key: "restart.bin", UploadId, PartNumber: 1, Body: part }));
    // The part's row points at its blob: no journal entry is left to resolve.
    await waitFor(async () => (await db().pendingWrite.count()) === 0, "the part's journal entry to settle");
    // What start-up runs (no request is in flight meanwhile).
    expect((await objects.recover()).blobs).toBe(0);
    expect(await multipart.sweep(60_000)).toBe(0);
    const parts = await s3.send(new ListPartsCommand({ Bucket: BUCKET, Key: "restart.bin", UploadId }));
    expect(parts.Parts?.map((listed) => [listed.PartNumber, listed.ETag])).toEqual([[1, one.ETag]]);
    await s3.send(new CompleteMultipartUploadCommand({ Bucket: BUCKET, Key: "restart.bin", UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: one.ETag }] } }));
    expect((await bodyOf("restart.bin")).equals(part)).toBe(true);

    await s3.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: "old.bin" }));
    expect(await multipart.sweep(60_000)).toBe(0);
    expect(await multipart.sweep(60_000, new Date(Date.now() + 120_000))).toBe(1);
    await expectNothingLeft();
  });
});

describe("lib-storage Upload (the SDK's multipart with its default checksums)", () => {
  it("uploads a 7 MiB stream in parts, byte for byte", async () => {
    const bytes = randomBytes(7 * 1024 * 1024);
    const upload = new Upload({ client: s3, params: { Bucket: BUCKET, Key: "lib-storage.bin", Body: bytes }, partSize: MIN_PART_SIZE, queueSize: 2 });
    const result = await upload.done();
    expect(result.ETag).toBe(`"${multipartEtag([md5(bytes.subarray(0, MIN_PART_SIZE)), md5(bytes.subarray(MIN_PART_SIZE))])}"`);
    expect((await bodyOf("lib-storage.bin")).equals(bytes)).toBe(true);
    // Deleting the object removes each of its blobs.
    const segments = await db().objectSegment.findMany({ select: { blobName: true } });
    expect(segments).toHaveLength(2);
    await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: "lib-storage.bin" }));
    for (const { blobName } of segments) expect(existsSync(path.join(env().dataDir, "blobs", blobName.slice(0, 2), blobName))).toBe(false);
    expect(await db().objectSegment.count()).toBe(0);
    await expectNothingLeft();
  });
});

describe("buckets with uploads in progress", () => {
  it("deletes the bucket, and its uploads' parts are journaled and removed by the next start", async () => {
    await s3.send(new CreateBucketCommand({ Bucket: "mp-doomed" }));
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: "mp-doomed", Key: "k" }));
    await s3.send(new UploadPartCommand({ Bucket: "mp-doomed", Key: "k", UploadId, PartNumber: 1, Body: "part" }));
    const part = await db().multipartPart.findFirstOrThrow();
    await s3.send(new DeleteBucketCommand({ Bucket: "mp-doomed" }));
    expect(await db().multipartUpload.count()).toBe(0);
    expect((await db().pendingWrite.findMany()).map((entry) => entry.blobName)).toEqual([part.blobName]);
    expect((await currentApp().objects.recover()).blobs).toBe(1);
    expect(existsSync(path.join(env().dataDir, "blobs", part.blobName.slice(0, 2), part.blobName))).toBe(false);
    await expectNothingLeft();
  });
});
