import { createHash } from "node:crypto";
import { request as httpRequest } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { env } from "@/lib/env";
import { startObjectServer, type TestObjectServer } from "../support/object-server";
import { storedBlobs, unfinishedWrites } from "../support/stored-blobs";
import { TEST_CREDENTIALS, signedFetch } from "../support/signed-fetch";
import { signRequest } from "@/lib/auth/bce-signature";

let server: TestObjectServer;
let base: string;

beforeAll(async () => {
  server = await startObjectServer();
  base = server.url;
  for (const bucket of ["objects", "listing"]) expect((await signedFetch(`${base}/v1/${bucket}`, { method: "PUT" })).status).toBe(200);
});
afterAll(() => server.stop());

const md5 = (data: string | Buffer) => createHash("md5").update(data).digest();
const put = (key: string, body: string, headers: Record<string, string> = {}) =>
  signedFetch(`${base}/v1/objects/${key}`, { method: "PUT", body, headers });

/** A request whose path is sent byte for byte (fetch would resolve "../" segments first). */
function rawRequest(method: string, rawPath: string, body?: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const [pathOnly = "", rawQuery = ""] = rawPath.split("?");
    const host = new URL(base).host;
    const authorization = signRequest(TEST_CREDENTIALS, { method, rawPath: pathOnly, query: [...new URLSearchParams(rawQuery)], headers: { host } });
    const req = httpRequest(`${base}/`, { method, path: rawPath, headers: { authorization } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

async function expectBosError(response: Response, status: number, code: string) {
  expect(response.status).toBe(status);
  expect(response.headers.get("x-bce-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  const body = await response.json();
  expect(body).toMatchObject({ code, requestId: response.headers.get("x-bce-request-id") });
  expect(body.message).toEqual(expect.any(String));
}

describe("buckets", () => {
  it("creates, checks, lists and deletes buckets with BOS errors", async () => {
    expect((await signedFetch(`${base}/v1/tempbucket`, { method: "PUT" })).status).toBe(200);
    await expectBosError(await signedFetch(`${base}/v1/tempbucket`, { method: "PUT" }), 409, "BucketAlreadyExists");
    await expectBosError(await signedFetch(`${base}/v1/Bad_Name`, { method: "PUT" }), 400, "InvalidBucketName");
    expect((await signedFetch(`${base}/v1/tempbucket`, { method: "HEAD" })).status).toBe(200);
    expect((await signedFetch(`${base}/v1/nobucket`, { method: "HEAD" })).status).toBe(404);
    const list = await (await signedFetch(`${base}/v1/`)).json();
    expect(list.buckets.map((b: { name: string }) => b.name)).toContain("tempbucket");
    expect((await signedFetch(`${base}/v1/tempbucket`, { method: "DELETE" })).status).toBe(204);
    await expectBosError(await signedFetch(`${base}/v1/tempbucket`, { method: "DELETE" }), 404, "NoSuchBucket");
  });

  it("refuses to delete a bucket that holds objects", async () => {
    await signedFetch(`${base}/v1/full`, { method: "PUT" });
    await signedFetch(`${base}/v1/full/a.txt`, { method: "PUT", body: "x" });
    await expectBosError(await signedFetch(`${base}/v1/full`, { method: "DELETE" }), 409, "BucketNotEmpty");
  });
});

describe("objects", () => {
  it("stores an object, with MD5 ETag, content type and user metadata", async () => {
    const response = await put("dir/hello.txt", "hello world", { "content-type": "text/plain", "x-bce-meta-owner": "team-a" });
    expect(response.status).toBe(200);
    expect(response.headers.get("etag")).toBe(`"${md5("hello world").toString("hex")}"`);

    const got = await signedFetch(`${base}/v1/objects/dir/hello.txt`);
    expect(got.status).toBe(200);
    expect(await got.text()).toBe("hello world");
    expect(got.headers.get("content-type")).toBe("text/plain");
    expect(got.headers.get("x-bce-meta-owner")).toBe("team-a");
    expect(got.headers.get("etag")).toBe(response.headers.get("etag"));
    expect(got.headers.get("last-modified")).toEqual(expect.any(String));

    const head = await signedFetch(`${base}/v1/objects/dir/hello.txt`, { method: "HEAD" });
    expect(head.headers.get("content-length")).toBe("11");
  });

  it("checks Content-MD5 and stores nothing on a mismatch", async () => {
    await expectBosError(await put("bad.txt", "abc", { "content-md5": md5("xyz").toString("base64") }), 400, "BadDigest");
    expect(await db().storedObject.count({ where: { key: "bad.txt" } })).toBe(0);
    expect(await unfinishedWrites()).toEqual([]);
    expect((await put("good.txt", "abc", { "content-md5": md5("abc").toString("base64") })).status).toBe(200);
  });

  it("refuses an object over the size limit", async () => {
    const response = await put("big.bin", "x", { "content-length": String(env().maxObjectSize + 1) }).catch(() => null);
    // The server answers before reading the body; fetch may report the early close instead.
    if (response) await expectBosError(response, 400, "EntityTooLarge");
    expect(await db().storedObject.count({ where: { key: "big.bin" } })).toBe(0);
  });

  it("replaces an object and removes the old bytes", async () => {
    await put("replace.txt", "first");
    const before = await db().storedObject.findFirstOrThrow({ where: { key: "replace.txt" } });
    await put("replace.txt", "second version");
    expect(await (await signedFetch(`${base}/v1/objects/replace.txt`)).text()).toBe("second version");
    const after = await db().storedObject.findFirstOrThrow({ where: { key: "replace.txt" } });
    expect(after.blobName).not.toBe(before.blobName);
    expect(await storedBlobs().has(before.blobName)).toBe(false);
    expect(await storedBlobs().has(after.blobName)).toBe(true);
  });

  it("serves ranges with 206 and refuses unsatisfiable ones with 416", async () => {
    await put("range.txt", "0123456789");
    const part = await signedFetch(`${base}/v1/objects/range.txt`, { headers: { range: "bytes=2-5" } });
    expect(part.status).toBe(206);
    expect(part.headers.get("content-range")).toBe("bytes 2-5/10");
    expect(await part.text()).toBe("2345");
    expect(await (await signedFetch(`${base}/v1/objects/range.txt`, { headers: { range: "bytes=-3" } })).text()).toBe("789");
    expect(await (await signedFetch(`${base}/v1/objects/range.txt`, { headers: { range: "bytes=8-" } })).text()).toBe("89");
    const outside = await signedFetch(`${base}/v1/objects/range.txt`, { headers: { range: "bytes=10-20" } });
    expect(outside.headers.get("content-range")).toBe("bytes */10");
    await expectBosError(outside, 416, "InvalidRange");
    // An open-ended range that starts past the end is unsatisfiable too, not the whole object.
    const pastEnd = await signedFetch(`${base}/v1/objects/range.txt`, { headers: { range: "bytes=12-" } });
    await expectBosError(pastEnd, 416, "InvalidRange");
  });

  it("answers 304 to If-None-Match and If-Modified-Since", async () => {
    const { headers } = await put("cached.txt", "cache me");
    const etag = headers.get("etag")!;
    expect((await signedFetch(`${base}/v1/objects/cached.txt`, { headers: { "if-none-match": etag } })).status).toBe(304);
    expect((await signedFetch(`${base}/v1/objects/cached.txt`, { headers: { "if-none-match": '"other"' } })).status).toBe(200);
    const future = new Date(Date.now() + 60_000).toUTCString();
    expect((await signedFetch(`${base}/v1/objects/cached.txt`, { headers: { "if-modified-since": future } })).status).toBe(304);
    const past = new Date(Date.now() - 3_600_000).toUTCString();
    expect((await signedFetch(`${base}/v1/objects/cached.txt`, { headers: { "if-modified-since": past } })).status).toBe(200);
  });

  it("deletes objects", async () => {
    await put("gone.txt", "bye");
    expect((await signedFetch(`${base}/v1/objects/gone.txt`, { method: "DELETE" })).status).toBe(204);
    await expectBosError(await signedFetch(`${base}/v1/objects/gone.txt`), 404, "NoSuchKey");
    await expectBosError(await signedFetch(`${base}/v1/objects/gone.txt`, { method: "DELETE" }), 404, "NoSuchKey");
    await expectBosError(await signedFetch(`${base}/v1/nobucket/x`), 404, "NoSuchBucket");
  });

  it("keeps keys exactly, never as paths: traversal, encoded dots, Unicode forms", async () => {
    for (const key of ["../x", "a/../../b", "%2e%2e/%2e%2e/etc/passwd", "..%2f..%2fescape"]) {
      expect((await rawRequest("PUT", `/v1/objects/${key}`, `body of ${key}`)).status, key).toBe(200);
    }
    const keys = (await db().storedObject.findMany({ select: { key: true } })).map((row) => row.key);
    expect(keys).toEqual(expect.arrayContaining(["../x", "a/../../b", "../../etc/passwd", "../../escape"]));
    expect((await rawRequest("GET", "/v1/objects/%2e%2e%2f%2e%2e%2fetc%2fpasswd")).text).toBe("body of %2e%2e/%2e%2e/etc/passwd");
    expect((await rawRequest("GET", "/v1/objects/a/../../b")).text).toBe("body of a/../../b");
    // Every blob is named by a hash, never by the key, and is where its row says.
    for (const row of await db().storedObject.findMany()) {
      expect(row.blobName).toMatch(/^[0-9a-f]{64}\.[0-9a-f]{12}$/);
      expect(await storedBlobs().has(row.blobName)).toBe(true);
    }

    const nfc = "caf\u00e9.txt";
    const nfd = "cafe\u0301.txt";
    await put(encodeURIComponent(nfc), "composed");
    await put(encodeURIComponent(nfd), "decomposed");
    expect(await (await signedFetch(`${base}/v1/objects/${encodeURIComponent(nfc)}`)).text()).toBe("composed");
    expect(await (await signedFetch(`${base}/v1/objects/${encodeURIComponent(nfd)}`)).text()).toBe("decomposed");
  });

  it("refuses invalid keys with 400 InvalidObjectName", async () => {
    await expectBosError(await put("a%00b", "x"), 400, "InvalidObjectName");
    await expectBosError(await put("k".repeat(1025), "x"), 400, "InvalidObjectName");
    await expectBosError(await put("%E0%A4%A", "x"), 400, "InvalidObjectName");
    await expectBosError(await put("%ED%A0%80", "x"), 400, "InvalidObjectName");
    expect((await put("k".repeat(1024), "x")).status).toBe(200);
    expect((await put("%E6%A1%B6".repeat(341), "x")).status).toBe(200); // 1023 bytes of UTF-8
    await expectBosError(await put("%E6%A1%B6".repeat(342), "x"), 400, "InvalidObjectName");
  });
});

describe("listing", () => {
  beforeAll(async () => {
    for (const key of ["a.txt", "photos/2024/x.jpg", "photos/2024/y.jpg", "photos/2025/z.jpg", "photos/top.jpg", "videos/v.mp4"]) {
      await signedFetch(`${base}/v1/listing/${key}`, { method: "PUT", body: key });
    }
  });
  const list = async (query: string) => (await signedFetch(`${base}/v1/listing?${query}`)).json();

  it("lists with prefix and delimiter", async () => {
    const page = await list("prefix=photos/&delimiter=/");
    expect(page.contents.map((c: { key: string }) => c.key)).toEqual(["photos/top.jpg"]);
    expect(page.commonPrefixes).toEqual([{ prefix: "photos/2024/" }, { prefix: "photos/2025/" }]);
    expect(page.contents[0]).toMatchObject({ size: 14, eTag: md5("photos/top.jpg").toString("hex"), storageClass: "STANDARD" });
    const top = await list("delimiter=/");
    expect(top.contents.map((c: { key: string }) => c.key)).toEqual(["a.txt"]);
    expect(top.commonPrefixes.map((p: { prefix: string }) => p.prefix)).toEqual(["photos/", "videos/"]);
  });

  it("pages with maxKeys and marker, without repeating a common prefix", async () => {
    const seen: string[] = [];
    let marker = "";
    for (let i = 0; i < 10; i++) {
      const page = await list(`delimiter=/&maxKeys=1&marker=${encodeURIComponent(marker)}`);
      seen.push(...page.contents.map((c: { key: string }) => c.key), ...page.commonPrefixes.map((p: { prefix: string }) => p.prefix));
      if (!page.isTruncated) break;
      marker = page.nextMarker;
    }
    expect(seen).toEqual(["a.txt", "photos/", "videos/"]);
    const all = await list("maxKeys=4");
    expect(all.isTruncated).toBe(true);
    expect(all.nextMarker).toBe("photos/2025/z.jpg");
  });

  it("refuses a bad maxKeys", async () => {
    await expectBosError(await signedFetch(`${base}/v1/listing?maxKeys=0`), 400, "InvalidArgument");
    await expectBosError(await signedFetch(`${base}/v1/listing?maxKeys=abc`), 400, "InvalidArgument");
  });
});

describe("addressing", () => {
  it("serves virtual-host style when OBJECT_HOST is set", async () => {
    const vhost = await startObjectServer("objects.test");
    try {
      const { request } = await import("undici");
      const host = "objects.objects.test";
      const authorization = signRequest(TEST_CREDENTIALS, { method: "GET", rawPath: "/dir/hello.txt", query: [], headers: { host } });
      const response = await request(`${vhost.url}/dir/hello.txt`, { headers: { host, authorization } });
      expect(response.statusCode).toBe(200);
      expect(await response.body.text()).toBe("hello world");
    } finally {
      await vhost.stop();
    }
  });
});
