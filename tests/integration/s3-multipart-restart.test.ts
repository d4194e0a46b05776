/**
 * Multipart uploads survive kill -9: parts already stored stay listed and usable after a restart
 * (their rows point at their blobs), a part cut off mid-body leaves nothing (no temporary file, no
 * row, no journal entry), the upload is resumed and completed byte for byte, and an upload older
 * than MULTIPART_UPLOAD_MAX_AGE_HOURS is aborted by the start-up sweep, its part blob removed.
 */
import { randomBytes } from "node:crypto";
import http from "node:http";
import {
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  ListMultipartUploadsCommand,
  ListPartsCommand,
  S3Client,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { afterAll, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { MIN_PART_SIZE } from "@/lib/objects/multipart-service";
import { startServerProcess, type ServerProcess } from "../support/server-process";
import { testServerS3Client } from "../support/s3-sdk-client";
import { storedBlobs, unfinishedWrites } from "../support/stored-blobs";
import { waitFor } from "../support/wait";

let server: ServerProcess | null = null;
const clients: S3Client[] = [];
afterAll(async () => {
  for (const client of clients) client.destroy();
  await server?.kill();
});

function s3At(url: string): S3Client {
  const client = testServerS3Client(url);
  clients.push(client);
  return client;
}

const BUCKET = "resume";
const KEY = "big/resumed.bin";

it("resumes an upload after kill -9 mid-part, and the start-up sweep aborts an abandoned one", async () => {
  server = await startServerProcess();
  let s3 = s3At(server.url);
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  const first = randomBytes(MIN_PART_SIZE);
  const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: KEY }));
  const one = await s3.send(new UploadPartCommand({ Bucket: BUCKET, Key: KEY, UploadId, PartNumber: 1, Body: first }));
  const abandoned = await s3.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: "abandoned.bin" }));
  await s3.send(new UploadPartCommand({ Bucket: BUCKET, Key: "abandoned.bin", UploadId: abandoned.UploadId, PartNumber: 1, Body: "left behind" }));

  // Part 2 arrives in part (a presigned PUT that sends a little more than one blob-store part of a
  // declared part 1 MiB larger, so that an S3 blob store has begun its upload too), then the server dies.
  const url = new URL(await getSignedUrl(s3, new UploadPartCommand({ Bucket: BUCKET, Key: KEY, UploadId, PartNumber: 2 }), { expiresIn: 600 }));
  const cut = http.request(url, { method: "PUT", headers: { "content-length": MIN_PART_SIZE + 1024 * 1024 } });
  cut.on("error", () => undefined);
  cut.write(randomBytes(MIN_PART_SIZE + 512 * 1024));
  await waitFor(async () => (await unfinishedWrites()).length === 1, "part 2's unfinished write");
  await server.kill();
  cut.destroy();

  // The abandoned upload is now older than MULTIPART_UPLOAD_MAX_AGE_HOURS (168 by default).
  const abandonedPart = await db().multipartPart.findFirstOrThrow({ where: { upload: { key: "abandoned.bin" } } });
  await db().multipartUpload.updateMany({ where: { key: "abandoned.bin" }, data: { createdAt: new Date(Date.now() - 200 * 3_600_000) } });

  server = await startServerProcess();
  s3 = s3At(server.url);
  expect(await unfinishedWrites()).toEqual([]);
  const listed = await s3.send(new ListPartsCommand({ Bucket: BUCKET, Key: KEY, UploadId }));
  expect(listed.Parts?.map((part) => [part.PartNumber, part.ETag, part.Size])).toEqual([[1, one.ETag, MIN_PART_SIZE]]);
  const uploads = await s3.send(new ListMultipartUploadsCommand({ Bucket: BUCKET }));
  expect(uploads.Uploads?.map((upload) => upload.Key)).toEqual([KEY]);
  expect(await storedBlobs().has(abandonedPart.blobName)).toBe(false);

  const second = randomBytes(777);
  const two = await s3.send(new UploadPartCommand({ Bucket: BUCKET, Key: KEY, UploadId, PartNumber: 2, Body: second }));
  await s3.send(new CompleteMultipartUploadCommand({ Bucket: BUCKET, Key: KEY, UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: one.ETag }, { PartNumber: 2, ETag: two.ETag }] } }));
  const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: KEY }));
  expect(Buffer.from(await got.Body!.transformToByteArray()).equals(Buffer.concat([first, second]))).toBe(true);
  expect([await db().multipartUpload.count(), await db().multipartPart.count()]).toEqual([0, 0]);
  await waitFor(async () => (await db().pendingWrite.count()) === 0, "the journal to empty");
});
