/**
 * The real AWS SDK for JavaScript (@aws-sdk/client-s3, its default checksums and aws-chunked
 * uploads) against a loopback server that does nothing but verifySigV4 and decodePayload, and
 * records what they found. No S3 semantics here: just enough of a response for the client.
 */
import { createHash, randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import {
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
  type ChecksumAlgorithm,
} from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createChecksum } from "./checksums";
import { decodePayload, S3PayloadError } from "./payload";
import { S3AuthError, verifySigV4, type PayloadMode } from "./sigv4";

interface Seen {
  method: string;
  rawPath: string;
  rawQuery: string;
  payload?: PayloadMode;
  body?: Buffer;
  checksums?: Record<string, string>;
  error?: string;
}

const seen: Seen[] = [];
let server: http.Server;
let endpoint: string;

const lookup = async (accessKeyId: string) => (accessKeyId === "AKTEST" ? "test-secret" : null);

async function handle(req: http.IncomingMessage, res: http.ServerResponse) {
  const url = req.url ?? "/";
  const mark = url.indexOf("?");
  const record: Seen = { method: req.method ?? "GET", rawPath: mark < 0 ? url : url.slice(0, mark), rawQuery: mark < 0 ? "" : url.slice(mark + 1) };
  seen.push(record);
  try {
    const identity = await verifySigV4({ ...record, headers: req.headers, rawHeaders: req.rawHeaders }, lookup, { region: "us-east-1" });
    record.payload = identity.payload;
    const decoded = decodePayload(req, identity, req.headers);
    const parts: Buffer[] = [];
    for await (const piece of decoded.bytes) parts.push(piece);
    record.body = Buffer.concat(parts);
    record.checksums = decoded.checksums();
  } catch (error) {
    if (!(error instanceof S3AuthError || error instanceof S3PayloadError)) throw error;
    record.error = error.code;
    req.resume();
    res.writeHead(error instanceof S3AuthError ? 403 : 400, { "content-type": "application/xml" });
    res.end(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>${error.code}</Code><Message>${error.message}</Message></Error>`);
    return;
  }
  const xml = (body: string) => {
    res.writeHead(200, { "content-type": "application/xml" });
    res.end(`<?xml version="1.0" encoding="UTF-8"?>${body}`);
  };
  const query = new URLSearchParams(record.rawQuery);
  if (record.method === "GET" && query.get("list-type") === "2") {
    xml(`<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>bucket</Name><KeyCount>0</KeyCount><IsTruncated>false</IsTruncated></ListBucketResult>`);
  } else if (record.method === "POST" && query.has("delete")) {
    xml(`<DeleteResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"></DeleteResult>`);
  } else if (record.method === "GET") {
    res.writeHead(206, { "content-type": "text/plain", "content-length": "5", "content-range": "bytes 0-4/11", etag: '"e"' });
    res.end("hello");
  } else if (record.method === "DELETE") {
    res.writeHead(204).end();
  } else {
    res.writeHead(200, { etag: `"${createHash("md5").update(record.body ?? "").digest("hex")}"`, "content-length": "0" }).end();
  }
}

beforeAll(async () => {
  server = http.createServer((req, res) => {
    handle(req, res).catch((error) => {
      res.writeHead(500).end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

const client = (secretAccessKey = "test-secret", extra: Partial<ConstructorParameters<typeof S3Client>[0]> = {}) =>
  new S3Client({
    region: "us-east-1",
    endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: "AKTEST", secretAccessKey },
    maxAttempts: 1,
    ...extra,
  });

const lastSeen = () => seen[seen.length - 1]!;
const base64Checksum = (algorithm: "crc32" | "crc32c" | "sha1" | "sha256", data: Buffer) => {
  const checksum = createChecksum(algorithm);
  checksum.update(data);
  return checksum.digest().toString("base64");
};
const KEY = "dir with space/ünï+cødé&=;,:@$!'()*~ (1).txt";

describe("@aws-sdk/client-s3 against verifySigV4 and decodePayload", () => {
  it("PutObject of a buffer: the SDK's default CRC32 header, checked", async () => {
    const data = randomBytes(100_000);
    await client().send(new PutObjectCommand({ Bucket: "bucket", Key: KEY, Body: data }));
    const request = lastSeen();
    expect(request.error).toBeUndefined();
    expect(request.body?.equals(data)).toBe(true);
    expect(request.checksums).toEqual({ "x-amz-checksum-crc32": base64Checksum("crc32", data) });
  });

  it.each(["CRC32", "CRC32C", "SHA1", "SHA256"] as const)("PutObject of a stream with %s: aws-chunked with a trailer, framing removed", async (algorithm) => {
    const data = randomBytes(700_000);
    const body = Readable.from(
      (function* () {
        for (let offset = 0; offset < data.length; offset += 50_000) yield data.subarray(offset, offset + 50_000);
      })(),
    );
    await client().send(
      new PutObjectCommand({ Bucket: "bucket", Key: KEY, Body: body, ContentLength: data.length, ChecksumAlgorithm: algorithm as ChecksumAlgorithm }),
    );
    const request = lastSeen();
    expect(request.error).toBeUndefined();
    expect(request.payload).toEqual({ kind: "streaming-unsigned-trailer" });
    expect(request.body?.length).toBe(data.length);
    expect(request.body?.equals(data)).toBe(true);
    const name = algorithm.toLowerCase() as "crc32" | "crc32c" | "sha1" | "sha256";
    expect(request.checksums).toEqual({ [`x-amz-checksum-${name}`]: base64Checksum(name, data) });
  });

  it("UploadPart of a stream", async () => {
    const data = randomBytes(300_000);
    await client().send(
      new UploadPartCommand({ Bucket: "bucket", Key: KEY, UploadId: "VXBsb2FkIElE+/=", PartNumber: 2, Body: Readable.from([data]), ContentLength: data.length }),
    );
    expect(lastSeen().error).toBeUndefined();
    expect(lastSeen().rawQuery).toContain("partNumber=2");
    expect(lastSeen().body?.equals(data)).toBe(true);
  });

  it("GetObject with a range, HeadObject, DeleteObject, ListObjectsV2, DeleteObjects", async () => {
    const s3 = client();
    const got = await s3.send(new GetObjectCommand({ Bucket: "bucket", Key: KEY, Range: "bytes=0-4", ResponseContentType: "text/plain; charset=utf-8" }));
    expect(await got.Body?.transformToString()).toBe("hello");
    expect(lastSeen().error).toBeUndefined();
    await s3.send(new HeadObjectCommand({ Bucket: "bucket", Key: KEY }));
    expect(lastSeen().error).toBeUndefined();
    await s3.send(new DeleteObjectCommand({ Bucket: "bucket", Key: KEY }));
    expect(lastSeen().error).toBeUndefined();
    await s3.send(new ListObjectsV2Command({ Bucket: "bucket", Prefix: "dir with space/ü", Delimiter: "/", StartAfter: "a+b=c&d", MaxKeys: 10 }));
    expect(lastSeen().error).toBeUndefined();
    await s3.send(new DeleteObjectsCommand({ Bucket: "bucket", Delete: { Objects: [{ Key: KEY }, { Key: "b" }], Quiet: true } }));
    expect([lastSeen().method, lastSeen().error]).toEqual(["POST", undefined]);
    expect(lastSeen().body?.toString()).toContain("<Quiet>true</Quiet>");
  });

  it("a wrong secret and an unknown key are refused", async () => {
    await expect(client("wrong").send(new HeadObjectCommand({ Bucket: "bucket", Key: "k" }))).rejects.toBeDefined();
    expect(lastSeen().error).toBe("SignatureDoesNotMatch");
    await expect(
      new S3Client({ region: "us-east-1", endpoint, forcePathStyle: true, credentials: { accessKeyId: "AKNOBODY", secretAccessKey: "x" }, maxAttempts: 1 }).send(
        new PutObjectCommand({ Bucket: "bucket", Key: "k", Body: "x" }),
      ),
    ).rejects.toMatchObject({ name: "InvalidAccessKeyId" });
    expect(lastSeen().error).toBe("InvalidAccessKeyId");
  });

  it("a client configured for another region is told which one to use", async () => {
    await expect(client("test-secret", { region: "eu-west-1" }).send(new HeadObjectCommand({ Bucket: "bucket", Key: "k" }))).rejects.toBeDefined();
    expect(lastSeen().error).toBe("AuthorizationHeaderMalformed");
  });
});
