/**
 * S3 error answers on the wire, with requests signed by this project's own SigV4 signer: every
 * refusal is S3 XML with the right code and status, never a crash or a BOS JSON body, and a body
 * that fails a check stores nothing.
 */
import { createHash } from "node:crypto";
import { crc32 } from "node:zlib";
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { encodeAwsChunked, signRequest } from "@/lib/s3/auth/sign";
import { startObjectServer, TEST_MAX_OBJECT_SIZE, type TestObjectServer } from "../support/object-server";
import { TEST_CREDENTIALS } from "../support/signed-fetch";

let server: TestObjectServer;
let host: string;

beforeAll(async () => {
  server = await startObjectServer();
  host = new URL(server.url).host;
  expect((await s3("PUT", "/err-b")).status).toBe(200);
});
afterAll(() => server.stop());

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A signed S3 request (the body's SHA-256 signed unless `payloadHash` says otherwise). */
async function s3(method: string, target: string, options: { body?: Buffer | string; headers?: Record<string, string>; payloadHash?: string } = {}): Promise<Answer> {
  const [rawPath = "/", rawQuery = ""] = target.split("?");
  const body = options.body === undefined ? undefined : Buffer.from(options.body);
  const payloadHash = options.payloadHash ?? createHash("sha256").update(body ?? Buffer.alloc(0)).digest("hex");
  const signed = signRequest({ method, rawPath, rawQuery, headers: { host, ...options.headers } }, TEST_CREDENTIALS, { region: "us-east-1", payloadHash });
  const response = await request(`${server.url}${target}`, { method: method as "GET", headers: signed.headers, body });
  return { status: response.statusCode, headers: response.headers, body: await response.body.text() };
}

function expectS3Error(answer: Answer, status: number, code: string): void {
  expect(answer.status, answer.body).toBe(status);
  expect(answer.headers["content-type"]).toBe("application/xml");
  expect(answer.body).toContain(`<Code>${code}</Code>`);
  expect(answer.body).toMatch(/<Message>[^<]+<\/Message>/);
  expect(answer.body).toContain(`<RequestId>${String(answer.headers["x-amz-request-id"])}</RequestId>`);
}

const stored = (key: string) => db().storedObject.count({ where: { key } });

describe("bodies that fail a check store nothing", () => {
  it("BadDigest for a Content-MD5 that does not match, InvalidDigest for one that is not an MD5", async () => {
    const wrong = createHash("md5").update("other").digest("base64");
    expectS3Error(await s3("PUT", "/err-b/md5.txt", { body: "payload", headers: { "content-md5": wrong } }), 400, "BadDigest");
    expectS3Error(await s3("PUT", "/err-b/md5.txt", { body: "payload", headers: { "content-md5": "not-base64-md5" } }), 400, "InvalidDigest");
    expect(await stored("md5.txt")).toBe(0);
  });

  it("XAmzContentSHA256Mismatch for a body whose signed hash differs", async () => {
    const other = createHash("sha256").update("something else").digest("hex");
    expectS3Error(await s3("PUT", "/err-b/sha.txt", { body: "payload", payloadHash: other }), 400, "XAmzContentSHA256Mismatch");
    expect(await stored("sha.txt")).toBe(0);
  });

  it("BadDigest for an aws-chunked body whose CRC32 trailer does not match, and stores the framing-free bytes when it does", async () => {
    const data = Buffer.from("chunked body bytes");
    const checksum = (bytes: Buffer) => {
      const value = Buffer.alloc(4);
      value.writeUInt32BE(crc32(bytes));
      return value.toString("base64");
    };
    const headers = {
      "content-encoding": "aws-chunked",
      "x-amz-decoded-content-length": String(data.length),
      "x-amz-trailer": "x-amz-checksum-crc32",
    };
    const bad = encodeAwsChunked([data], { trailer: ["x-amz-checksum-crc32", checksum(Buffer.from("not the body"))] });
    expectS3Error(await s3("PUT", "/err-b/crc.txt", { body: bad, headers, payloadHash: "STREAMING-UNSIGNED-PAYLOAD-TRAILER" }), 400, "BadDigest");
    expect(await stored("crc.txt")).toBe(0);
    const good = encodeAwsChunked([data.subarray(0, 5), data.subarray(5)], { trailer: ["x-amz-checksum-crc32", checksum(data)] });
    const put = await s3("PUT", "/err-b/crc.txt", { body: good, headers, payloadHash: "STREAMING-UNSIGNED-PAYLOAD-TRAILER" });
    expect(put.status, put.body).toBe(200);
    expect(put.headers["x-amz-checksum-crc32"]).toBe(checksum(data));
    const got = await s3("GET", "/err-b/crc.txt");
    expect([got.body, got.headers["content-encoding"]]).toEqual([data.toString(), undefined]);
  });

  it("EntityTooLarge for a declared size over MAX_OBJECT_SIZE, before any byte is read", async () => {
    const answer = await s3("PUT", "/err-b/big.bin", { body: "x", headers: { "x-amz-decoded-content-length": String(TEST_MAX_OBJECT_SIZE + 1), "content-encoding": "aws-chunked" }, payloadHash: "STREAMING-UNSIGNED-PAYLOAD-TRAILER" });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatch(/<Code>(EntityTooLarge|IncompleteBody)<\/Code>/);
    expect(await stored("big.bin")).toBe(0);
  });
});

describe("requests that are refused", () => {
  it("MalformedXML for a delete list that is not XML, has no objects or has too many", async () => {
    expectS3Error(await s3("POST", "/err-b?delete", { body: "<Delete><Object><Key>a</Key>" }), 400, "MalformedXML");
    expectS3Error(await s3("POST", "/err-b?delete", { body: "<Delete></Delete>" }), 400, "MalformedXML");
    const many = `<Delete>${Array.from({ length: 1001 }, (_, i) => `<Object><Key>k${i}</Key></Object>`).join("")}</Delete>`;
    expectS3Error(await s3("POST", "/err-b?delete", { body: many }), 400, "MalformedXML");
    expectS3Error(await s3("POST", "/err-b?delete", { body: '<!DOCTYPE d [<!ENTITY x "y">]><Delete><Object><Key>&x;</Key></Object></Delete>' }), 400, "MalformedXML");
  });

  it("InvalidArgument for bad listing parameters, InvalidBucketName, NoSuchBucket, NoSuchKey", async () => {
    expectS3Error(await s3("GET", "/err-b?max-keys=abc"), 400, "InvalidArgument");
    expectS3Error(await s3("GET", "/err-b?list-type=2&continuation-token=bogus!"), 400, "InvalidArgument");
    expectS3Error(await s3("GET", "/err-b?encoding-type=base64"), 400, "InvalidArgument");
    expectS3Error(await s3("PUT", "/Bad_Bucket"), 400, "InvalidBucketName");
    expectS3Error(await s3("GET", "/no-such-bucket?list-type=2"), 404, "NoSuchBucket");
    const missing = await s3("GET", "/err-b/nothing/here.txt");
    expectS3Error(missing, 404, "NoSuchKey");
    expect(missing.body).toContain("<Resource>/err-b/nothing/here.txt</Resource>");
  });

  it("NotImplemented (501) for subresources and methods it does not implement", async () => {
    for (const [method, target] of [
      ["GET", "/err-b?versioning"],
      ["PUT", "/err-b?lifecycle"],
      ["GET", "/err-b?policy"],
      ["GET", "/err-b/k?partNumber=1"],
      ["PUT", "/err-b/k?tagging"],
      ["POST", "/err-b/k"],
      ["PATCH", "/err-b/k"],
    ] as const) {
      expectS3Error(await s3(method, target), 501, "NotImplemented");
    }
  });

  it("InvalidRange with the object's size, and a 412 for a failed precondition", async () => {
    expect((await s3("PUT", "/err-b/r.txt", { body: "0123456789" })).status).toBe(200);
    const range = await s3("GET", "/err-b/r.txt", { headers: { range: "bytes=10-" } });
    expectS3Error(range, 416, "InvalidRange");
    expect(range.headers["content-range"]).toBe("bytes */10");
    expectS3Error(await s3("GET", "/err-b/r.txt", { headers: { "if-match": '"00000000000000000000000000000000"' } }), 412, "PreconditionFailed");
  });
});
