/**
 * The S3 API through the current AWS SDK for JavaScript (@aws-sdk/client-s3, @aws-sdk/lib-storage)
 * with its defaults: CRC32 checksums, aws-chunked bodies with STREAMING-UNSIGNED-PAYLOAD-TRAILER
 * for streams, path-style addressing of an IP endpoint. Plus what no SDK shows: raw error
 * documents, response headers, presigned URLs fetched with curl, and back-to-origin on GetObject.
 */
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import { promisify } from "node:util";
import {
  CopyObjectCommand,
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetBucketAclCommand,
  GetBucketLocationCommand,
  GetBucketVersioningCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  ListObjectsCommand,
  ListObjectsV2Command,
  PutBucketAclCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
  paginateListObjectsV2,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import type { FinalizeRequestMiddleware, MetadataBearer } from "@smithy/types";
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { signRequest } from "@/lib/s3/auth/sign";
import { RecordingOrigin } from "../support/recording-origin";
import { bucketWithRules, startObjectServer, type TestObjectServer } from "../support/object-server";
import { testServerS3Client } from "../support/s3-sdk-client";
import { TEST_CREDENTIALS, signedFetch } from "../support/signed-fetch";

const run = promisify(execFile);

let server: TestObjectServer;
let origin: RecordingOrigin;
let s3: S3Client;
/** x-amz-content-sha256 of every request the SDK sent, as signed. */
const payloadModes: string[] = [];

/** A middleware that sees (and may change) the headers of each request as signed. */
function afterSigning(look: (headers: Record<string, string>) => void): FinalizeRequestMiddleware<object, MetadataBearer> {
  return (next) => async (args) => {
    look((args.request as { headers: Record<string, string> }).headers);
    return next(args);
  };
}

function client(credentials = { accessKeyId: TEST_CREDENTIALS.accessKeyId, secretAccessKey: TEST_CREDENTIALS.secretKey }): S3Client {
  return testServerS3Client(server.url, { credentials });
}

beforeAll(async () => {
  server = await startObjectServer();
  origin = await new RecordingOrigin().start();
  origin.serve("/from-origin/report.txt", "bytes the origin has", { "content-type": "text/plain" });
  origin.serve("/from-origin/headed.txt", "the origin's bytes, HEAD first", { "content-type": "text/plain" });
  s3 = client();
  s3.middlewareStack.addRelativeTo(afterSigning((headers) => payloadModes.push(headers["x-amz-content-sha256"] ?? "(none)")), {
    relation: "after",
    toMiddleware: "httpSigningMiddleware",
    name: "recordPayloadMode",
  });
});
afterAll(async () => {
  s3?.destroy();
  await server.stop();
  await origin.stop();
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

const text = async (body: unknown) => Buffer.from(await (body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray());

describe("buckets", () => {
  it("creates, lists, heads, locates and deletes a bucket", async () => {
    await s3.send(new CreateBucketCommand({ Bucket: "sdk-b1" }));
    expect((await failure(s3.send(new CreateBucketCommand({ Bucket: "sdk-b1" }))))).toEqual({ name: "BucketAlreadyOwnedByYou", status: 409 });
    const list = await s3.send(new ListBucketsCommand({}));
    expect(list.Buckets?.map((bucket) => bucket.Name)).toContain("sdk-b1");
    expect(list.Buckets?.find((bucket) => bucket.Name === "sdk-b1")?.CreationDate).toBeInstanceOf(Date);
    const head = await s3.send(new HeadBucketCommand({ Bucket: "sdk-b1" }));
    expect(head.$metadata.httpStatusCode).toBe(200);
    expect((await s3.send(new GetBucketLocationCommand({ Bucket: "sdk-b1" }))).LocationConstraint).toBeFalsy();
    await s3.send(new DeleteBucketCommand({ Bucket: "sdk-b1" }));
    expect(await failure(s3.send(new HeadBucketCommand({ Bucket: "sdk-b1" })))).toMatchObject({ status: 404 });
    expect(await failure(s3.send(new DeleteBucketCommand({ Bucket: "sdk-b1" })))).toEqual({ name: "NoSuchBucket", status: 404 });
  });

  it("refuses a bad bucket name, a foreign region and deleting a bucket that holds objects", async () => {
    expect(await failure(s3.send(new CreateBucketCommand({ Bucket: "Bad_Name" })))).toEqual({ name: "InvalidBucketName", status: 400 });
    expect(
      await failure(s3.send(new CreateBucketCommand({ Bucket: "sdk-eu", CreateBucketConfiguration: { LocationConstraint: "eu-west-1" } }))),
    ).toEqual({ name: "InvalidLocationConstraint", status: 400 });
    await s3.send(new CreateBucketCommand({ Bucket: "sdk-full" }));
    await s3.send(new PutObjectCommand({ Bucket: "sdk-full", Key: "k", Body: "x" }));
    expect(await failure(s3.send(new DeleteBucketCommand({ Bucket: "sdk-full" })))).toEqual({ name: "BucketNotEmpty", status: 409 });
  });

  it("reads and sets the canned ACL, shared with BOS's", async () => {
    await s3.send(new CreateBucketCommand({ Bucket: "sdk-acl", ACL: "public-read" }));
    const acl = await s3.send(new GetBucketAclCommand({ Bucket: "sdk-acl" }));
    expect(acl.Grants?.map((grant) => [grant.Grantee?.Type, grant.Permission])).toEqual([
      ["CanonicalUser", "FULL_CONTROL"],
      ["Group", "READ"],
    ]);
    const bos = await signedFetch(`${server.url}/v1/sdk-acl?acl`);
    expect((await bos.json()).acl).toBe("public-read");
    await s3.send(new PutBucketAclCommand({ Bucket: "sdk-acl", ACL: "private" }));
    expect((await db().bucket.findFirstOrThrow({ where: { name: "sdk-acl" } })).acl).toBe("private");
    expect(await failure(s3.send(new PutBucketAclCommand({ Bucket: "sdk-acl", ACL: "public-read-write" })))).toMatchObject({ name: "NotImplemented", status: 501 });
  });
});

describe("objects", () => {
  beforeAll(async () => {
    await s3.send(new CreateBucketCommand({ Bucket: "sdk-objects" }));
  });

  it("puts and gets bytes exactly, with metadata shown as x-bce-meta-* through BOS", async () => {
    const body = Buffer.from("héllo, S3 \u0000\u00ff bytes");
    const put = await s3.send(
      new PutObjectCommand({ Bucket: "sdk-objects", Key: "dir/a b+c€.txt", Body: body, ContentType: "text/plain; charset=utf-8", Metadata: { color: "blue" } }),
    );
    expect(put.ETag).toBe(`"${createHash("md5").update(body).digest("hex")}"`);
    const got = await s3.send(new GetObjectCommand({ Bucket: "sdk-objects", Key: "dir/a b+c€.txt" }));
    expect(await text(got.Body)).toEqual(body);
    expect(got.ContentType).toBe("text/plain; charset=utf-8");
    expect(got.Metadata).toEqual({ color: "blue" });
    expect(got.ETag).toBe(put.ETag);
    const bos = await signedFetch(`${server.url}/v1/sdk-objects/dir/a%20b%2Bc%E2%82%AC.txt`, { method: "HEAD" });
    expect(bos.headers.get("x-bce-meta-color")).toBe("blue");
  });

  it("stores a stream sent aws-chunked with a CRC32 trailer (the SDK's default) without the framing", async () => {
    const bytes = Buffer.alloc(200_000, "abcdefghij");
    const before = payloadModes.length;
    await s3.send(new PutObjectCommand({ Bucket: "sdk-objects", Key: "streamed.bin", Body: Readable.from([bytes.subarray(0, 70_000), bytes.subarray(70_000)]), ContentLength: bytes.length }));
    expect(payloadModes.slice(before)).toEqual(["STREAMING-UNSIGNED-PAYLOAD-TRAILER"]);
    const got = await s3.send(new GetObjectCommand({ Bucket: "sdk-objects", Key: "streamed.bin" }));
    expect(got.ContentLength).toBe(bytes.length);
    expect(got.ContentEncoding).toBeUndefined();
    expect((await text(got.Body)).equals(bytes)).toBe(true);
  });

  it("uploads through lib-storage's Upload and reads ranges, conditionals and overrides", async () => {
    const bytes = Buffer.from("0123456789".repeat(100));
    await new Upload({ client: s3, params: { Bucket: "sdk-objects", Key: "upload.txt", Body: bytes } }).done();
    const range = await s3.send(new GetObjectCommand({ Bucket: "sdk-objects", Key: "upload.txt", Range: "bytes=10-19" }));
    expect(range.ContentRange).toBe("bytes 10-19/1000");
    expect((await text(range.Body)).toString()).toBe("0123456789");
    expect(await failure(s3.send(new GetObjectCommand({ Bucket: "sdk-objects", Key: "upload.txt", Range: "bytes=5000-" })))).toEqual({ name: "InvalidRange", status: 416 });
    expect(await failure(s3.send(new GetObjectCommand({ Bucket: "sdk-objects", Key: "upload.txt", Range: "bytes=1000-1001" })))).toEqual({ name: "InvalidRange", status: 416 });
    const head = await s3.send(new HeadObjectCommand({ Bucket: "sdk-objects", Key: "upload.txt" }));
    const notModified = await s3.send(new GetObjectCommand({ Bucket: "sdk-objects", Key: "upload.txt", IfNoneMatch: head.ETag })).catch((error: S3ServiceException) => error);
    expect(notModified.$metadata.httpStatusCode).toBe(304);
    expect(await failure(s3.send(new GetObjectCommand({ Bucket: "sdk-objects", Key: "upload.txt", IfMatch: '"0000"' })))).toEqual({ name: "PreconditionFailed", status: 412 });
    const overridden = await s3.send(
      new GetObjectCommand({ Bucket: "sdk-objects", Key: "upload.txt", ResponseContentType: "application/x-test", ResponseContentDisposition: 'attachment; filename="u.txt"' }),
    );
    expect(overridden.ContentType).toBe("application/x-test");
    expect(overridden.ContentDisposition).toBe('attachment; filename="u.txt"');
    await text(overridden.Body);
    // A value no header can carry (a line break, or a character past Latin-1) is refused with a
    // 400 before anything is sent, not a connection cut after the status line was chosen.
    for (const disposition of ['attachment; filename="\u732b.txt"', "inline\r\nx-injected: 1"]) {
      expect(await failure(s3.send(new GetObjectCommand({ Bucket: "sdk-objects", Key: "upload.txt", ResponseContentDisposition: disposition })))).toEqual({
        name: "InvalidArgument",
        status: 400,
      });
    }
    const encoded = await s3.send(
      new GetObjectCommand({ Bucket: "sdk-objects", Key: "upload.txt", ResponseContentDisposition: "attachment; filename*=UTF-8''%E7%8C%AB.txt" }),
    );
    expect(encoded.ContentDisposition).toBe("attachment; filename*=UTF-8''%E7%8C%AB.txt");
    await text(encoded.Body);
  });

  it("answers NoSuchKey for a missing key, and deletes idempotently", async () => {
    expect(await failure(s3.send(new GetObjectCommand({ Bucket: "sdk-objects", Key: "missing.txt" })))).toEqual({ name: "NoSuchKey", status: 404 });
    expect(await failure(s3.send(new HeadObjectCommand({ Bucket: "sdk-objects", Key: "missing.txt" })))).toMatchObject({ status: 404 });
    expect(await failure(s3.send(new GetObjectCommand({ Bucket: "no-such-bucket", Key: "k" })))).toEqual({ name: "NoSuchBucket", status: 404 });
    await s3.send(new PutObjectCommand({ Bucket: "sdk-objects", Key: "gone.txt", Body: "x" }));
    await s3.send(new DeleteObjectCommand({ Bucket: "sdk-objects", Key: "gone.txt" }));
    await s3.send(new DeleteObjectCommand({ Bucket: "sdk-objects", Key: "gone.txt" }));
    expect(await failure(s3.send(new HeadObjectCommand({ Bucket: "sdk-objects", Key: "gone.txt" })))).toMatchObject({ status: 404 });
  });

  it("copies with the COPY and REPLACE metadata directives, across buckets", async () => {
    await s3.send(new CreateBucketCommand({ Bucket: "sdk-copies" }));
    await s3.send(new PutObjectCommand({ Bucket: "sdk-objects", Key: "src €.txt", Body: "copy me", ContentType: "text/plain", Metadata: { a: "1" } }));
    const copied = await s3.send(new CopyObjectCommand({ Bucket: "sdk-copies", Key: "same.txt", CopySource: `sdk-objects/${encodeURIComponent("src €.txt")}` }));
    expect(copied.CopyObjectResult?.ETag).toBe(`"${createHash("md5").update("copy me").digest("hex")}"`);
    const same = await s3.send(new GetObjectCommand({ Bucket: "sdk-copies", Key: "same.txt" }));
    expect([(await text(same.Body)).toString(), same.ContentType, same.Metadata]).toEqual(["copy me", "text/plain", { a: "1" }]);
    await s3.send(
      new CopyObjectCommand({ Bucket: "sdk-copies", Key: "replaced.txt", CopySource: `sdk-objects/${encodeURIComponent("src €.txt")}`, MetadataDirective: "REPLACE", ContentType: "text/x-new", Metadata: { b: "2" } }),
    );
    const replaced = await s3.send(new HeadObjectCommand({ Bucket: "sdk-copies", Key: "replaced.txt" }));
    expect([replaced.ContentType, replaced.Metadata]).toEqual(["text/x-new", { b: "2" }]);
    expect(await failure(s3.send(new CopyObjectCommand({ Bucket: "sdk-copies", Key: "x", CopySource: "sdk-objects/none" })))).toEqual({ name: "NoSuchKey", status: 404 });
    expect(await failure(s3.send(new CopyObjectCommand({ Bucket: "sdk-copies", Key: "same.txt", CopySource: "sdk-copies/same.txt" })))).toEqual({ name: "InvalidRequest", status: 400 });
  });

  it("deletes many objects in one request, quietly or not", async () => {
    await s3.send(new CreateBucketCommand({ Bucket: "sdk-multi" }));
    const keys = ["a.txt", "b & c.txt", "d/e <f>.txt"];
    for (const key of keys) await s3.send(new PutObjectCommand({ Bucket: "sdk-multi", Key: key, Body: key }));
    const loud = await s3.send(new DeleteObjectsCommand({ Bucket: "sdk-multi", Delete: { Objects: [...keys, "never.txt"].map((Key) => ({ Key })) } }));
    expect(loud.Deleted?.map((deleted) => deleted.Key).sort()).toEqual([...keys, "never.txt"].sort());
    expect(loud.Errors ?? []).toEqual([]);
    await s3.send(new PutObjectCommand({ Bucket: "sdk-multi", Key: "q.txt", Body: "q" }));
    const quiet = await s3.send(new DeleteObjectsCommand({ Bucket: "sdk-multi", Delete: { Quiet: true, Objects: [{ Key: "q.txt" }] } }));
    expect(quiet.Deleted ?? []).toEqual([]);
    expect((await s3.send(new ListObjectsV2Command({ Bucket: "sdk-multi" }))).KeyCount).toBe(0);
  });
});

describe("listing", () => {
  // In UTF-8 byte order: "z" (0x7a) before "é" (0xc3 0xa9).
  const keys = ["a/1.txt", "a/2.txt", "a/b/3.txt", "c d.txt", "e+f.txt", "z\u0001ctl.txt", "é.txt"];

  beforeAll(async () => {
    await s3.send(new CreateBucketCommand({ Bucket: "sdk-list" }));
    await Promise.all(keys.map((key) => s3.send(new PutObjectCommand({ Bucket: "sdk-list", Key: key, Body: key }))));
  });

  it("pages ListObjectsV2 with continuation tokens, in byte order", async () => {
    const seen: string[] = [];
    for await (const page of paginateListObjectsV2({ client: s3, pageSize: 2 }, { Bucket: "sdk-list", EncodingType: "url" })) {
      expect(page.KeyCount).toBeLessThanOrEqual(2);
      seen.push(...(page.Contents ?? []).map((object) => decodeURIComponent(object.Key!)));
    }
    expect(seen).toEqual(keys);
  });

  it("rolls up common prefixes at the delimiter, and honours start-after and prefix", async () => {
    const root = await s3.send(new ListObjectsV2Command({ Bucket: "sdk-list", Delimiter: "/", EncodingType: "url" }));
    expect(root.CommonPrefixes?.map((prefix) => prefix.Prefix)).toEqual(["a/"]);
    expect(root.Contents?.map((object) => decodeURIComponent(object.Key!))).toEqual(["c d.txt", "e+f.txt", "z\u0001ctl.txt", "é.txt"]);
    const inA = await s3.send(new ListObjectsV2Command({ Bucket: "sdk-list", Prefix: "a/", Delimiter: "/" }));
    expect([inA.Contents?.map((object) => object.Key), inA.CommonPrefixes?.map((prefix) => prefix.Prefix)]).toEqual([["a/1.txt", "a/2.txt"], ["a/b/"]]);
    const after = await s3.send(new ListObjectsV2Command({ Bucket: "sdk-list", StartAfter: "c d.txt", MaxKeys: 1 }));
    expect([after.Contents?.map((object) => object.Key), after.IsTruncated, after.StartAfter]).toEqual([["e+f.txt"], true, "c d.txt"]);
  });

  it("pages ListObjects v1 with markers, and caps max-keys at 1,000", async () => {
    const first = await s3.send(new ListObjectsCommand({ Bucket: "sdk-list", MaxKeys: 3 }));
    expect([first.Contents?.map((object) => object.Key), first.IsTruncated, first.NextMarker]).toEqual([["a/1.txt", "a/2.txt", "a/b/3.txt"], true, "a/b/3.txt"]);
    const second = await s3.send(new ListObjectsCommand({ Bucket: "sdk-list", Marker: first.NextMarker, Delimiter: "/" }));
    expect(second.Contents?.map((object) => object.Key)).toEqual(["c d.txt", "e+f.txt", "z\u0001ctl.txt", "é.txt"]);
    expect(second.IsTruncated).toBe(false);
    const capped = await s3.send(new ListObjectsV2Command({ Bucket: "sdk-list", MaxKeys: 5000 }));
    expect(capped.MaxKeys).toBe(1000);
  });
});

describe("authentication and errors", () => {
  beforeAll(async () => {
    await s3.send(new CreateBucketCommand({ Bucket: "sdk-auth" }));
    await s3.send(new PutObjectCommand({ Bucket: "sdk-auth", Key: "k.txt", Body: "secret" }));
  });

  it("refuses a wrong secret and an unknown access key", async () => {
    const wrong = client({ accessKeyId: TEST_CREDENTIALS.accessKeyId, secretAccessKey: "not-the-secret-at-all" });
    expect(await failure(wrong.send(new GetObjectCommand({ Bucket: "sdk-auth", Key: "k.txt" })))).toEqual({ name: "SignatureDoesNotMatch", status: 403 });
    expect(await failure(wrong.send(new PutObjectCommand({ Bucket: "sdk-auth", Key: "new.txt", Body: "x" })))).toEqual({ name: "SignatureDoesNotMatch", status: 403 });
    const unknown = client({ accessKeyId: "nosuchkey0001", secretAccessKey: "whatever-secret-0000" });
    expect(await failure(unknown.send(new ListBucketsCommand({})))).toEqual({ name: "InvalidAccessKeyId", status: 403 });
    expect(await db().storedObject.count({ where: { key: "new.txt" } })).toBe(0);
  });

  it("answers S3 XML errors with a message, the resource and a request id, and the object-API headers", async () => {
    const response = await fetch(`${server.url}/sdk-auth/k.txt`, { headers: { "x-amz-content-sha256": "UNSIGNED-PAYLOAD" } });
    expect(response.status).toBe(403);
    expect(response.headers.get("content-type")).toBe("application/xml");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("content-security-policy")).toMatch(/^sandbox;/);
    const requestId = response.headers.get("x-amz-request-id");
    const xml = await response.text();
    expect(xml).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<Error><Code>AccessDenied<\/Code><Message>[^<]+<\/Message>/);
    expect(xml).toContain("<Resource>/sdk-auth/k.txt</Resource>");
    expect(xml).toContain(`<RequestId>${requestId}</RequestId>`);
  });

  it("answers NotImplemented (501) in S3 XML for what it does not implement, never BOS JSON", async () => {
    expect(await failure(s3.send(new GetBucketVersioningCommand({ Bucket: "sdk-auth" })))).toEqual({ name: "NotImplemented", status: 501 });
    expect(await failure(s3.send(new GetObjectTaggingCommand({ Bucket: "sdk-auth", Key: "k.txt" })))).toEqual({ name: "NotImplemented", status: 501 });
  });
});

describe("addressing", () => {
  it("serves virtual-host style under OBJECT_HOST, signed for the bucket's host", async () => {
    await s3.send(new CreateBucketCommand({ Bucket: "sdk-vhost" }));
    await s3.send(new PutObjectCommand({ Bucket: "sdk-vhost", Key: "dir/v h.txt", Body: "virtual host" }));
    const vhost = await startObjectServer("objects.test");
    try {
      const host = "sdk-vhost.objects.test";
      const get = signRequest({ method: "GET", rawPath: "/dir/v%20h.txt", headers: { host } }, TEST_CREDENTIALS, { region: "us-east-1" });
      const response = await request(`${vhost.url}/dir/v%20h.txt`, { headers: get.headers });
      expect([response.statusCode, await response.body.text()]).toEqual([200, "virtual host"]);
      const list = signRequest({ method: "GET", rawPath: "/", rawQuery: "list-type=2", headers: { host } }, TEST_CREDENTIALS, { region: "us-east-1" });
      const listed = await request(`${vhost.url}/?list-type=2`, { headers: list.headers });
      expect(await listed.body.text()).toContain("<Key>dir/v h.txt</Key>");
      // Signed for another bucket's host, the same request is refused.
      const replay = await request(`${vhost.url}/dir/v%20h.txt`, { headers: { ...get.headers, host: "other.objects.test" } });
      expect(replay.statusCode).toBe(403);
      await replay.body.text();
    } finally {
      await vhost.stop();
    }
  });

  it("answers Signature Version 2 with S3's InvalidRequest, and a BOS-signed request stays BOS", async () => {
    const v2 = await fetch(`${server.url}/sdk-vhost/dir/v%20h.txt`, { headers: { authorization: "AWS testroot0001:c2lnbmF0dXJl", date: new Date().toUTCString() } });
    expect(v2.status).toBe(400);
    expect(await v2.text()).toContain("<Code>InvalidRequest</Code>");
    const bos = await signedFetch(`${server.url}/v1/sdk-vhost/dir/v%20h.txt`);
    expect([bos.status, bos.headers.get("x-bce-request-id") !== null, bos.headers.get("x-amz-request-id")]).toEqual([200, true, null]);
  });
});

describe("presigned URLs with curl", () => {
  beforeAll(async () => {
    await s3.send(new CreateBucketCommand({ Bucket: "sdk-presigned" }));
  });

  it("PUTs and GETs with curl, and refuses a tampered URL", async () => {
    const put = await getSignedUrl(s3, new PutObjectCommand({ Bucket: "sdk-presigned", Key: "shared file.txt" }), { expiresIn: 300 });
    const { stdout: putStatus } = await run("curl", ["-sS", "-o", "/dev/null", "-w", "%{http_code}", "-X", "PUT", "--data-binary", "presigned bytes", "-H", "content-type:", put]);
    expect(putStatus).toBe("200");
    const get = await getSignedUrl(s3, new GetObjectCommand({ Bucket: "sdk-presigned", Key: "shared file.txt" }), { expiresIn: 300 });
    const { stdout } = await run("curl", ["-sS", "--fail", get]);
    expect(stdout).toBe("presigned bytes");
    const { stdout: tampered } = await run("curl", ["-sS", "-w", "\n%{http_code}", get.replace("shared%20file", "shared%20filf")]);
    expect(tampered).toMatch(/<Code>SignatureDoesNotMatch<\/Code>[\s\S]*\n403$/);
  });
});

describe("anonymous reads and back-to-origin", () => {
  beforeAll(async () => {
    await bucketWithRules(server.url, "sdk-mirror", [{ resource: "from-origin*", sourceUrl: `http://${origin.host}` }]);
    await s3.send(new PutBucketAclCommand({ Bucket: "sdk-mirror", ACL: "public-read" }));
    await s3.send(new PutObjectCommand({ Bucket: "sdk-mirror", Key: "open.txt", Body: "open" }));
  });

  it("GetObject of a missing key covered by a mirror rule returns the origin's bytes, then serves the stored copy", async () => {
    const got = await s3.send(new GetObjectCommand({ Bucket: "sdk-mirror", Key: "from-origin/report.txt" }));
    expect((await text(got.Body)).toString()).toBe("bytes the origin has");
    expect(got.$metadata.httpStatusCode).toBe(200);
    expect(origin.requestsFor("/from-origin/report.txt")).toHaveLength(1);
    const again = await s3.send(new GetObjectCommand({ Bucket: "sdk-mirror", Key: "from-origin/report.txt" }));
    expect([(await text(again.Body)).toString(), again.ContentType]).toEqual(["bytes the origin has", "text/plain"]);
    expect(origin.requestsFor("/from-origin/report.txt")).toHaveLength(1);
    expect(await failure(s3.send(new GetObjectCommand({ Bucket: "sdk-mirror", Key: "from-origin/absent.txt" })))).toEqual({ name: "NoSuchKey", status: 404 });
    expect(await failure(s3.send(new GetObjectCommand({ Bucket: "sdk-mirror", Key: "elsewhere.txt" })))).toEqual({ name: "NoSuchKey", status: 404 });
  });

  it("HeadObject of a missing key covered by a mirror rule fetches and stores it first (BOS HEAD still does not)", async () => {
    const key = "from-origin/headed.txt";
    const bos = await signedFetch(`${server.url}/v1/sdk-mirror/${key}`, { method: "HEAD" });
    expect(bos.status).toBe(404);
    expect(origin.requestsFor(`/${key}`)).toHaveLength(0);

    const head = await s3.send(new HeadObjectCommand({ Bucket: "sdk-mirror", Key: key }));
    const bytes = "the origin's bytes, HEAD first";
    expect([head.ContentLength, head.ContentType, head.ETag]).toEqual([bytes.length, "text/plain", `"${createHash("md5").update(bytes).digest("hex")}"`]);
    expect(origin.requestsFor(`/${key}`)).toHaveLength(1);
    // Stored: the GET that follows (what aws s3 cp and boto3 download_file do) is a hit.
    const got = await s3.send(new GetObjectCommand({ Bucket: "sdk-mirror", Key: key }));
    expect((await text(got.Body)).toString()).toBe(bytes);
    expect(origin.requestsFor(`/${key}`)).toHaveLength(1);
    expect(await db().storedObject.count({ where: { key } })).toBe(1);

    // What the origin lacks, and what no rule covers, stay 404 and store nothing.
    expect(await failure(s3.send(new HeadObjectCommand({ Bucket: "sdk-mirror", Key: "from-origin/absent-too.txt" })))).toMatchObject({ status: 404 });
    expect(origin.requestsFor("/from-origin/absent-too.txt")).toHaveLength(1);
    expect(await failure(s3.send(new HeadObjectCommand({ Bucket: "sdk-mirror", Key: "not-covered.txt" })))).toMatchObject({ status: 404 });
    expect(origin.requestsFor("/not-covered.txt")).toHaveLength(0);
    expect(await db().storedObject.count({ where: { key: { in: ["from-origin/absent-too.txt", "not-covered.txt"] } } })).toBe(0);
  });

  it("lets an unsigned AWS client read and list a public-read bucket, and nothing else", async () => {
    // An unsigned client: the signature the SDK adds is taken off again before the request goes out.
    const anonymous = client();
    anonymous.middlewareStack.addRelativeTo(
      afterSigning((headers) => {
        for (const name of ["authorization", "x-amz-date", "x-amz-content-sha256"]) delete headers[name];
      }),
      { relation: "after", toMiddleware: "httpSigningMiddleware", name: "unsign" },
    );
    const got = await anonymous.send(new GetObjectCommand({ Bucket: "sdk-mirror", Key: "open.txt" }));
    expect((await text(got.Body)).toString()).toBe("open");
    const listed = await anonymous.send(new ListObjectsV2Command({ Bucket: "sdk-mirror" }));
    expect(listed.Contents?.map((object) => object.Key)).toContain("open.txt");
    expect(await failure(anonymous.send(new PutObjectCommand({ Bucket: "sdk-mirror", Key: "w.txt", Body: "w" })))).toEqual({ name: "AccessDenied", status: 403 });
    expect(await failure(anonymous.send(new GetObjectCommand({ Bucket: "sdk-auth", Key: "k.txt" })))).toEqual({ name: "AccessDenied", status: 403 });
    expect(await failure(anonymous.send(new GetObjectCommand({ Bucket: "no-such-bucket", Key: "k.txt" })))).toEqual({ name: "AccessDenied", status: 403 });
    anonymous.destroy();
  });
});
