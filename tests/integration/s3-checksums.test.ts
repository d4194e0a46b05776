/**
 * x-amz-checksum-* through the current AWS SDK: each algorithm's checksum, sent by the SDK and
 * verified before the commit, is stored with the object (or the part) and returned when asked
 * (`x-amz-checksum-mode: ENABLED`, which the SDK's GetObject sends by default and then checks the
 * body against), never for a range; a multipart object gets S3's COMPOSITE checksum (the
 * algorithm over the parts' checksums, then -N), and a completion that lists a part's checksum
 * must list the stored one.
 */
import { createHash, randomBytes } from "node:crypto";
import zlib from "node:zlib";
import {
  ChecksumAlgorithm,
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListPartsCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { crc32c } from "@/lib/s3/auth/checksums";
import { startObjectServer, type TestObjectServer } from "../support/object-server";
import { testServerS3Client } from "../support/s3-sdk-client";

let server: TestObjectServer;
let s3: S3Client;
/** A client that asks for checksums only when told to (ChecksumMode), so their absence shows. */
let plain: S3Client;
const BUCKET = "checksums";

beforeAll(async () => {
  server = await startObjectServer();
  s3 = testServerS3Client(server.url);
  plain = testServerS3Client(server.url, { responseChecksumValidation: "WHEN_REQUIRED" });
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
});
afterAll(async () => {
  s3?.destroy();
  plain?.destroy();
  await server.stop();
});

const uint32 = (value: number) => {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(value >>> 0);
  return bytes;
};
/** Each algorithm computed here, independently of the server's decoder. */
const DIGESTS: Record<string, (bytes: Buffer) => Buffer> = {
  CRC32: (bytes) => uint32(zlib.crc32(bytes)),
  CRC32C: (bytes) => uint32(crc32c(bytes)),
  SHA1: (bytes) => createHash("sha1").update(bytes).digest(),
  SHA256: (bytes) => createHash("sha256").update(bytes).digest(),
};
const base64 = (algorithm: string, bytes: Buffer) => DIGESTS[algorithm]!(bytes).toString("base64");

describe("single objects", () => {
  it("stores each algorithm's checksum and returns it on HEAD and GET when asked, never for a range", async () => {
    // Published check value: CRC-32C("123456789") = 0xE3069283.
    expect(uint32(crc32c(Buffer.from("123456789"))).toString("hex")).toBe("e3069283");
    for (const algorithm of ["CRC32", "CRC32C", "SHA1", "SHA256"] as const) {
      const key = `one-${algorithm}`;
      const body = randomBytes(70_000);
      const put = await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body, ChecksumAlgorithm: ChecksumAlgorithm[algorithm] }));
      const expected = base64(algorithm, body);
      expect(put[`Checksum${algorithm}`]).toBe(expected);

      const head = await plain.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key, ChecksumMode: "ENABLED" }));
      expect([head[`Checksum${algorithm}`], head.ChecksumType]).toEqual([expected, "FULL_OBJECT"]);
      const unasked = await plain.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }));
      expect(unasked[`Checksum${algorithm}`]).toBeUndefined();

      // The SDK's default GetObject asks, and checks the body against what it gets.
      const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
      expect(Buffer.from(await got.Body!.transformToByteArray()).equals(body)).toBe(true);
      expect(got[`Checksum${algorithm}`]).toBe(expected);
      const ranged = await plain.send(new GetObjectCommand({ Bucket: BUCKET, Key: key, Range: "bytes=0-9", ChecksumMode: "ENABLED" }));
      await ranged.Body!.transformToByteArray();
      expect(ranged[`Checksum${algorithm}`]).toBeUndefined();
    }
  });

  it("has no checksum when none was sent", async () => {
    const raw = testServerS3Client(server.url, { requestChecksumCalculation: "WHEN_REQUIRED", responseChecksumValidation: "WHEN_REQUIRED" });
    await raw.send(new PutObjectCommand({ Bucket: BUCKET, Key: "none", Body: "no checksum" }));
    const head = await raw.send(new HeadObjectCommand({ Bucket: BUCKET, Key: "none", ChecksumMode: "ENABLED" }));
    expect([head.ChecksumCRC32, head.ChecksumType]).toEqual([undefined, undefined]);
    raw.destroy();
  });
});

describe("multipart", () => {
  it("stores each part's checksum, lists it, and gives the object the COMPOSITE checksum of its parts", async () => {
    const key = "composite.bin";
    const parts = [randomBytes(5 * 1024 * 1024), randomBytes(1000)];
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: key, ChecksumAlgorithm: "SHA256" }));
    const uploaded = [];
    for (const [index, body] of parts.entries()) {
      const part = await s3.send(new UploadPartCommand({ Bucket: BUCKET, Key: key, UploadId, PartNumber: index + 1, Body: body, ChecksumAlgorithm: "SHA256" }));
      expect(part.ChecksumSHA256).toBe(base64("SHA256", body));
      uploaded.push({ PartNumber: index + 1, ETag: part.ETag, ChecksumSHA256: part.ChecksumSHA256 });
    }
    const listed = await s3.send(new ListPartsCommand({ Bucket: BUCKET, Key: key, UploadId }));
    expect(listed.Parts?.map((part) => part.ChecksumSHA256)).toEqual(uploaded.map((part) => part.ChecksumSHA256));

    // A listed checksum that is not the stored one is refused; the right ones complete it.
    const wrong = [{ ...uploaded[0]!, ChecksumSHA256: base64("SHA256", Buffer.from("other")) }, uploaded[1]!];
    const refused = await s3.send(new CompleteMultipartUploadCommand({ Bucket: BUCKET, Key: key, UploadId, MultipartUpload: { Parts: wrong } })).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(S3ServiceException);
    expect((refused as S3ServiceException).name).toBe("InvalidPart");

    const done = await s3.send(new CompleteMultipartUploadCommand({ Bucket: BUCKET, Key: key, UploadId, MultipartUpload: { Parts: uploaded } }));
    const composite = `${createHash("sha256").update(Buffer.concat(parts.map((body) => DIGESTS.SHA256!(body)))).digest("base64")}-2`;
    expect(done.ChecksumSHA256).toBe(composite);
    const head = await plain.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key, ChecksumMode: "ENABLED" }));
    expect([head.ChecksumSHA256, head.ChecksumType]).toEqual([composite, "COMPOSITE"]);
    // The SDK does not check a composite checksum against the body; the bytes are still exact.
    const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    expect(Buffer.from(await got.Body!.transformToByteArray()).equals(Buffer.concat(parts))).toBe(true);
  });
});
