/**
 * The real BOS JavaScript SDK (@baiducloud/sdk 1.0.7) against this server: it signs with
 * bce-auth-v1 and, for an IP endpoint, sends path-style requests without /v1. Its multipart calls
 * (this version has no putSuperFile) run over the same multipart uploads as S3's.
 */
import { createHash, randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import sdk from "@baiducloud/sdk";
import { afterAll, beforeAll, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { MIN_PART_SIZE } from "@/lib/objects/multipart-service";
import { multipartEtag } from "@/lib/objects/object-meta";
import { bucketWithRules, startObjectServer, type TestObjectServer } from "../support/object-server";
import { TEST_CREDENTIALS } from "../support/signed-fetch";

interface SdkResponse {
  http_headers: Record<string, string>;
  body: unknown;
}
interface SdkClient {
  putObjectFromString(bucket: string, key: string, data: string, options?: object): Promise<SdkResponse>;
  getObject(bucket: string, key: string): Promise<SdkResponse>;
  getObjectMetadata(bucket: string, key: string): Promise<SdkResponse>;
  listObjects(bucket: string, options?: object): Promise<SdkResponse>;
  deleteObject(bucket: string, key: string): Promise<SdkResponse>;
  sendRequest(method: string, args: object): Promise<SdkResponse>;
  generatePresignedUrl(bucket: string, key: string, timestamp?: number, expirationInSeconds?: number): string;
  initiateMultipartUpload(bucket: string, key: string, options?: object): Promise<SdkResponse>;
  uploadPartFromFile(bucket: string, key: string, uploadId: string, partNumber: number, partSize: number, filename: string, offset: number): Promise<SdkResponse>;
  listParts(bucket: string, key: string, uploadId: string, options?: object): Promise<SdkResponse>;
  listMultipartUploads(bucket: string, options?: object): Promise<SdkResponse>;
  completeMultipartUpload(bucket: string, key: string, uploadId: string, parts: { partNumber: number; eTag: string }[]): Promise<SdkResponse>;
  abortMultipartUpload(bucket: string, key: string, uploadId: string): Promise<SdkResponse>;
}

let server: TestObjectServer;
let client: SdkClient;

beforeAll(async () => {
  server = await startObjectServer();
  await bucketWithRules(server.url, "sdk-bucket");
  const BosClient = sdk.BosClient as new (config: object) => SdkClient;
  client = new BosClient({ endpoint: server.url, credentials: { ak: TEST_CREDENTIALS.accessKeyId, sk: TEST_CREDENTIALS.secretKey } });
});
afterAll(() => server.stop());

it("round-trips an object: put, get, head, list, delete", async () => {
  const put = await client.putObjectFromString("sdk-bucket", "dir/k.txt", "hello from the SDK", { "Content-Type": "text/plain" });
  expect((put.http_headers.etag ?? "").replaceAll('"', "")).toMatch(/^[0-9a-f]{32}$/); // the SDK strips the quotes

  const got = await client.getObject("sdk-bucket", "dir/k.txt");
  expect(Buffer.from(got.body as Buffer).toString()).toBe("hello from the SDK");

  const head = await client.getObjectMetadata("sdk-bucket", "dir/k.txt");
  expect(head.http_headers["content-length"]).toBe("18");
  expect(head.http_headers["content-type"]).toBe("text/plain");

  const listed = await client.listObjects("sdk-bucket", { prefix: "dir/" });
  expect((listed.body as { contents: { key: string }[] }).contents.map((item) => item.key)).toEqual(["dir/k.txt"]);

  await client.deleteObject("sdk-bucket", "dir/k.txt");
  await expect(client.getObject("sdk-bucket", "dir/k.txt")).rejects.toMatchObject({ status_code: 404 });
});

it("sets, reads and deletes mirroring rules with sendRequest", async () => {
  const config = { bucketMirroringConfiguration: [{ resource: "abc*", sourceUrl: "https://myweb.com", version: "v2", prefixReplace: "tihuan/edf" }] };
  await client.sendRequest("PUT", {
    bucketName: "sdk-bucket",
    params: { mirroring: "" },
    body: JSON.stringify(config),
    headers: { "Content-Type": "application/json" },
  });
  const read = await client.sendRequest("GET", { bucketName: "sdk-bucket", params: { mirroring: "" } });
  expect((read.body as typeof config).bucketMirroringConfiguration[0]).toMatchObject({ resource: "abc*", prefixReplace: "tihuan/edf" });
  await client.sendRequest("DELETE", { bucketName: "sdk-bucket", params: { mirroring: "" } });
  const empty = await client.sendRequest("GET", { bucketName: "sdk-bucket", params: { mirroring: "" } });
  expect((empty.body as typeof config).bucketMirroringConfiguration).toEqual([]);
});

it("makes presigned URLs that a plain HTTP client can fetch", async () => {
  await client.putObjectFromString("sdk-bucket", "shared/report 1.txt", "presigned bytes");
  const url = client.generatePresignedUrl("sdk-bucket", "shared/report 1.txt", undefined, 600);
  expect(new URL(url).pathname).toBe("/v1/sdk-bucket/shared/report%201.txt");
  const response = await fetch(url);
  expect(response.status).toBe(200);
  expect(await response.text()).toBe("presigned bytes");
  const tampered = url.replace("report%201", "report%202");
  expect((await fetch(tampered)).status).toBe(403);
});

it("uploads in parts with the multipart calls, byte for byte, and aborts", async () => {
  const bytes = randomBytes(MIN_PART_SIZE + 4321);
  const file = path.join(os.tmpdir(), `bos-sdk-multipart-${process.pid}.bin`);
  writeFileSync(file, bytes);
  const key = "multi/part €.bin";
  const init = await client.initiateMultipartUpload("sdk-bucket", key, { "Content-Type": "application/x-parts", "x-bce-meta-step": "bos" });
  const { uploadId } = init.body as { uploadId: string };
  expect(uploadId).toMatch(/^[A-Za-z0-9_-]{20,}$/);
  const sizes = [MIN_PART_SIZE, bytes.length - MIN_PART_SIZE];
  const etags: string[] = [];
  for (const [index, size] of sizes.entries()) {
    const part = await client.uploadPartFromFile("sdk-bucket", key, uploadId, index + 1, size, file, index * MIN_PART_SIZE);
    etags.push(part.http_headers.etag!.replaceAll('"', ""));
  }
  const md5 = (buffer: Buffer) => createHash("md5").update(buffer).digest("hex");
  expect(etags).toEqual([md5(bytes.subarray(0, MIN_PART_SIZE)), md5(bytes.subarray(MIN_PART_SIZE))]);

  const parts = (await client.listParts("sdk-bucket", key, uploadId)).body as { uploadId: string; parts: { partNumber: number; eTag: string; size: number }[] };
  expect(parts.parts.map((part) => [part.partNumber, part.eTag, part.size])).toEqual(sizes.map((size, index) => [index + 1, etags[index], size]));
  const uploads = (await client.listMultipartUploads("sdk-bucket")).body as { uploads: { key: string; uploadId: string }[] };
  expect(uploads.uploads.map((upload) => [upload.key, upload.uploadId])).toEqual([[key, uploadId]]);

  const done = await client.completeMultipartUpload("sdk-bucket", key, uploadId, etags.map((eTag, index) => ({ partNumber: index + 1, eTag })));
  expect((done.body as { eTag: string; key: string }).eTag).toBe(multipartEtag(etags));
  const got = await client.getObject("sdk-bucket", key);
  expect(Buffer.from(got.body as Buffer).equals(bytes)).toBe(true);
  const head = await client.getObjectMetadata("sdk-bucket", key);
  expect([head.http_headers["content-type"], head.http_headers["x-bce-meta-step"], head.http_headers.etag?.replaceAll('"', "")]).toEqual(["application/x-parts", "bos", multipartEtag(etags)]);

  // BOS errors for the part rules, then an abort that leaves nothing.
  const again = await client.initiateMultipartUpload("sdk-bucket", "multi/aborted.bin");
  const againId = (again.body as { uploadId: string }).uploadId;
  const small = await client.uploadPartFromFile("sdk-bucket", "multi/aborted.bin", againId, 1, 10, file, 0);
  const other = await client.uploadPartFromFile("sdk-bucket", "multi/aborted.bin", againId, 2, 10, file, 10);
  const complete = (parts: { partNumber: number; eTag: string }[]) => client.completeMultipartUpload("sdk-bucket", "multi/aborted.bin", againId, parts);
  const one = { partNumber: 1, eTag: small.http_headers.etag! };
  await expect(complete([one, { partNumber: 2, eTag: small.http_headers.etag! }])).rejects.toMatchObject({ status_code: 400, code: "InvalidPart" });
  await expect(complete([{ partNumber: 2, eTag: other.http_headers.etag! }, one])).rejects.toMatchObject({ status_code: 400, code: "InvalidPartOrder" });
  await expect(complete([one, { partNumber: 2, eTag: other.http_headers.etag! }])).rejects.toMatchObject({ status_code: 400, code: "EntityTooSmall" });
  await client.abortMultipartUpload("sdk-bucket", "multi/aborted.bin", againId);
  await expect(client.listParts("sdk-bucket", "multi/aborted.bin", againId)).rejects.toMatchObject({ status_code: 404, code: "NoSuchUpload" });
  expect([await db().multipartUpload.count(), await db().multipartPart.count()]).toEqual([0, 0]);
});
