/**
 * A file of tens of MiB through the clients' default multipart settings (the AWS CLI's 8 MiB
 * threshold and parts; lib-storage's 5 MiB parts, four at once), up and down byte for byte, on a
 * server whose object limit allows it.
 */
import { createHash, randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { GetObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { afterAll, beforeAll, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { startObjectServer, type TestObjectServer } from "../support/object-server";
import { awsCli, newScratchDir } from "../support/s3-clients";
import { TEST_CREDENTIALS } from "../support/signed-fetch";

const SIZE = 40 * 1024 * 1024 + 12345;
let server: TestObjectServer;

beforeAll(async () => {
  server = await startObjectServer(undefined, {}, { maxObjectSize: 64 * 1024 * 1024 });
});
afterAll(() => server.stop());

const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");

it("aws s3 cp moves 40 MiB up in 8 MiB parts and back down, byte for byte", async () => {
  const aws = awsCli(server.url);
  const file = path.join(newScratchDir(), "forty.bin");
  writeFileSync(file, randomBytes(SIZE));
  const out = path.join(newScratchDir(), "down.bin");
  for (const args of [["s3", "mb", "s3://large-aws"], ["s3", "cp", file, "s3://large-aws/forty.bin"], ["s3", "cp", "s3://large-aws/forty.bin", out]]) {
    const result = await aws(...args);
    expect(result.code, result.stderr).toBe(0);
  }
  expect(sha256(readFileSync(out))).toBe(sha256(readFileSync(file)));
  expect(await db().multipartUpload.count()).toBe(0);
});

it("lib-storage's Upload sends 40 MiB in parts with its default checksums", async () => {
  const s3 = new S3Client({
    endpoint: server.url,
    region: "us-east-1",
    forcePathStyle: true,
    credentials: { accessKeyId: TEST_CREDENTIALS.accessKeyId, secretAccessKey: TEST_CREDENTIALS.secretKey },
  });
  try {
    const bytes = randomBytes(SIZE);
    await new Upload({ client: s3, params: { Bucket: "large-aws", Key: "sdk.bin", Body: bytes } }).done();
    const got = await s3.send(new GetObjectCommand({ Bucket: "large-aws", Key: "sdk.bin" }));
    expect(sha256(Buffer.from(await got.Body!.transformToByteArray()))).toBe(sha256(bytes));
  } finally {
    s3.destroy();
  }
});
