/**
 * The console's object browser API (/api/buckets/{bucket}/objects/...): listing with folders and
 * paging in byte order, where each object came from, streamed uploads and their size limit,
 * downloads, deleting several, presigned links that real clients can use, and emptying a bucket of
 * thousands of objects, against the real database, blob store and object APIs.
 */
import { createHash } from "node:crypto";
import { readdirSync, statSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as bucketRoute from "@/app/api/buckets/[bucket]/route";
import * as contentRoute from "@/app/api/buckets/[bucket]/objects/content/route";
import * as deleteRoute from "@/app/api/buckets/[bucket]/objects/delete/route";
import * as emptyRoute from "@/app/api/buckets/[bucket]/objects/empty/route";
import * as presignRoute from "@/app/api/buckets/[bucket]/objects/presign/route";
import * as objectsRoute from "@/app/api/buckets/[bucket]/objects/route";
import * as accessKeyRoute from "@/app/api/access-keys/[accessKeyId]/route";
import * as accessKeysRoute from "@/app/api/access-keys/route";
import { recordAudit } from "@/lib/audit/audit-log";
import { BLOB_NAME_PREFIXES } from "@/lib/objects/consistency-check";
import { db } from "@/lib/db/client";
import { env } from "@/lib/env";
import { InstanceRegistry } from "@/lib/fleet/instance-registry";
import { JobRepository } from "@/lib/jobs/job-repository";
import { JobRunner } from "@/lib/jobs/job-runner";
import { BucketEmptier, type EmptyJob } from "@/lib/objects/bucket-emptier";
import { currentApp } from "@/lib/runtime/current-app";
import { RecordingOrigin } from "../support/recording-origin";
import { bucketWithRules, startObjectServer, TEST_MAX_OBJECT_SIZE, type TestObjectServer } from "../support/object-server";
import { callRoute, testSessionToken } from "../support/route-client";
import { signedFetch, TEST_CREDENTIALS } from "../support/signed-fetch";
import { startApiServer, type TestApiServer } from "../support/api-server";
import { TEST_TIMEOUT_MS } from "../support/timeouts";
import { storedBlobs, unfinishedWrites } from "../support/stored-blobs";
import { waitFor } from "../support/wait";

const MiB = 1024 * 1024;
let server: TestObjectServer;
let origin: RecordingOrigin;
let api: TestApiServer;

beforeAll(async () => {
  server = await startObjectServer();
  origin = await new RecordingOrigin().start();
  api = await startApiServer();
});

afterAll(async () => {
  await api?.stop();
  await server?.stop();
  await origin?.stop();
});

async function* oneChunk(text: string) {
  yield Buffer.from(text);
}

const md5 = (bytes: Buffer | string) => createHash("md5").update(bytes).digest("hex");

type Handler = (request: Request, context: { params: Promise<{ bucket: string }> }) => Promise<Response>;

/** Calls a route handler with any body and returns the raw Response. */
async function raw(handler: Handler, bucket: string, init: { method?: string; query?: Record<string, string>; body?: BodyInit | null; headers?: Record<string, string>; session?: boolean } = {}) {
  const headers: Record<string, string> = { host: "localhost", origin: "http://localhost", ...init.headers };
  if (init.session !== false) headers.cookie = `bos_session=${await testSessionToken()}`;
  const query = new URLSearchParams(init.query ?? {}).toString();
  const request = new Request(`http://localhost/api/buckets/${bucket}/objects${query ? `?${query}` : ""}`, {
    method: init.method ?? "GET",
    headers,
    body: init.body,
    ...(init.body instanceof ReadableStream ? { duplex: "half" } : {}),
  } as RequestInit);
  return handler(request, { params: Promise.resolve({ bucket }) });
}

function upload(bucket: string, key: string, body: string | Buffer, headers: Record<string, string> = {}) {
  const bytes = Buffer.from(body);
  return raw(contentRoute.PUT as Handler, bucket, { method: "PUT", query: { key }, body: bytes, headers: { "content-length": String(bytes.length), ...headers } });
}

async function uploaded(bucket: string, key: string, body: string | Buffer, headers: Record<string, string> = {}) {
  const response = await upload(bucket, key, body, headers);
  if (response.status !== 201) throw new Error(`upload of ${key}: ${response.status} ${await response.text()}`);
  return response.json();
}

const list = (bucket: string, query: Record<string, string> = {}) => callRoute(objectsRoute.GET, { params: { bucket }, query: new URLSearchParams(query).toString() });

async function createBucket(name: string) {
  await bucketWithRules(server.url, name);
}

const tempFiles = () => readdirSync(path.join(env().dataDir, "tmp"));

describe("listing", () => {
  it("lists a folder's sub-folders and objects in UTF-8 byte order, page by page", async () => {
    await createBucket("browse");
    // U+FF5E sorts before U+1F600 in UTF-8 bytes, after it in UTF-16 code units.
    const keys = ["Z.txt", "a b/c.txt", "a/1.txt", "a/2.txt", "a/b/3.txt", "b.txt", "~x", "é.txt", "～.txt", "😀.txt"];
    for (const key of keys) await uploaded("browse", key, `bytes of ${key}`, { "content-type": "text/plain" });

    const root = await list("browse", { maxKeys: "1000" });
    expect(root.status).toBe(200);
    expect(root.body.folders).toEqual(["a b/", "a/"]);
    expect(root.body.objects.map((o: { key: string }) => o.key)).toEqual(["Z.txt", "b.txt", "~x", "é.txt", "～.txt", "😀.txt"]);
    expect(root.body.objects[0]).toEqual({
      key: "Z.txt",
      size: "bytes of Z.txt".length,
      etag: md5("bytes of Z.txt"),
      storageClass: "STANDARD",
      contentType: "text/plain",
      lastModified: expect.any(String),
      source: { kind: "uploaded" },
    });

    // Two entries a page: folders and objects interleave in key order, and the marker carries on.
    const seen: string[] = [];
    let marker = "";
    let pages = 0;
    for (;;) {
      const page = await list("browse", { maxKeys: "2", marker });
      pages += 1;
      seen.push(...page.body.folders, ...page.body.objects.map((o: { key: string }) => o.key));
      if (!page.body.isTruncated) break;
      marker = page.body.nextMarker;
    }
    expect(pages).toBe(4);
    expect(seen.sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)))).toEqual(["Z.txt", "a b/", "a/", "b.txt", "~x", "é.txt", "～.txt", "😀.txt"]);

    const inside = await list("browse", { prefix: "a/" });
    expect(inside.body).toMatchObject({ prefix: "a/", folders: ["a/b/"], isTruncated: false, nextMarker: null });
    expect(inside.body.objects.map((o: { key: string }) => o.key)).toEqual(["a/1.txt", "a/2.txt"]);

    // Search by prefix within a folder; delimiter "" lists every key below.
    expect((await list("browse", { prefix: "a/1" })).body.objects.map((o: { key: string }) => o.key)).toEqual(["a/1.txt"]);
    expect((await list("browse", { prefix: "a/", delimiter: "" })).body.objects.map((o: { key: string }) => o.key)).toEqual(["a/1.txt", "a/2.txt", "a/b/3.txt"]);
  });

  it("says where a mirrored object came from, and when", async () => {
    origin.serve("/pics/cat.jpg", "meow", { "content-type": "image/jpeg" });
    await bucketWithRules(server.url, "mirrored", [{ resource: "*", sourceUrl: `http://${origin.host}`, prefix: "pics/" }]);
    // The whole body: its last byte goes out only after the commit (the status line comes before).
    const mirrored = await signedFetch(`${server.url}/v1/mirrored/cat.jpg`);
    expect([mirrored.status, await mirrored.text()]).toEqual([200, "meow"]);
    await uploaded("mirrored", "local.txt", "mine");
    const page = await list("mirrored");
    const [cat, local] = page.body.objects;
    expect(cat).toMatchObject({ key: "cat.jpg", contentType: "image/jpeg", source: { kind: "mirrored", url: `http://${origin.host}/pics/cat.jpg`, at: cat.lastModified } });
    expect(local).toMatchObject({ key: "local.txt", source: { kind: "uploaded" } });
  });

  it("refuses bad paging parameters and unknown buckets", async () => {
    await createBucket("params");
    const tooMany = await list("params", { maxKeys: "1001" });
    expect(tooMany.status).toBe(422);
    expect(tooMany.body.fieldErrors).toHaveProperty("maxKeys");
    expect((await list("params", { maxKeys: "abc" })).status).toBe(422);
    expect((await list("params", { delimiter: "|" })).status).toBe(422);
    expect((await list("params", { prefix: "x".repeat(1025) })).status).toBe(422);
    expect((await list("nosuchbucket")).status).toBe(404);
  });
});

describe("upload", () => {
  it("streams the body into the object service: bytes reach the disk before the upload ends", async () => {
    await createBucket("streamed");
    // The S3 store sends a part at a time, so there the first bytes fill one part (and leave no file).
    const store = env().blobStore;
    const first = Buffer.alloc(store.kind === "s3" ? store.partBytes : 2 * MiB, 1);
    const rest = Buffer.alloc(3 * MiB, 2);
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const body = new ReadableStream<Uint8Array>({
      async start(controller) {
        controller.enqueue(first);
        await released;
        controller.enqueue(rest);
        controller.close();
      },
    });
    const before = new Set(await unfinishedWrites());
    const size = String(first.length + rest.length);
    const answer = raw(contentRoute.PUT as Handler, "streamed", { method: "PUT", query: { key: "big.bin" }, body, headers: { "content-length": size, "content-type": "application/x-test" } });
    // The first bytes are in a temporary file (or an upload under way) while the rest has not been sent yet.
    const arrived = (name: string) => (store.kind === "s3" ? name.startsWith("multipart/") : statSync(path.join(env().dataDir, "tmp", name)).size >= first.length);
    await waitFor(async () => (await unfinishedWrites()).some((name) => !before.has(name) && arrived(name)), "the first bytes in the store");
    release();
    const response = await answer;
    expect(response.status).toBe(201);
    const all = Buffer.concat([first, rest]);
    expect(await response.json()).toEqual({ key: "big.bin", size: all.length, etag: md5(all) });
    const download = await raw(contentRoute.GET as Handler, "streamed", { query: { key: "big.bin" } });
    expect(md5(Buffer.from(await download.arrayBuffer()))).toBe(md5(all));
    expect(download.headers.get("content-type")).toBe("application/x-test");
  });

  it("refuses a declared size over the limit before reading a byte, and a streamed one as it passes the limit", async () => {
    await createBucket("limited");
    let pulls = 0;
    const unread = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulls += 1;
        controller.enqueue(new Uint8Array(MiB));
      },
    });
    const declared = await raw(contentRoute.PUT as Handler, "limited", { method: "PUT", query: { key: "huge" }, body: unread, headers: { "content-length": String(TEST_MAX_OBJECT_SIZE + 1) } });
    expect(declared.status).toBe(413);
    expect(await declared.json()).toMatchObject({ code: "PayloadTooLarge" });
    expect(declared.headers.get("connection")).toBe("close");
    // A ReadableStream pulls once to fill its queue when made; the handler itself read nothing.
    expect(pulls).toBeLessThanOrEqual(1);

    let sent = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        sent += MiB;
        controller.enqueue(new Uint8Array(MiB));
      },
    });
    const streamed = await raw(contentRoute.PUT as Handler, "limited", { method: "PUT", query: { key: "huge" }, body: endless });
    expect(streamed.status).toBe(413);
    expect(streamed.headers.get("connection")).toBe("close");
    expect(sent).toBeLessThan(TEST_MAX_OBJECT_SIZE + 4 * MiB);
    expect((await list("limited")).body.objects).toEqual([]);
    await waitFor(() => tempFiles().length === 0, "no temporary file left");
  });

  it("over a real socket: a large upload passes the front door, a declared size over the limit gets 413 before the body", async () => {
    await createBucket("socket");
    const cookie = `bos_session=${await testSessionToken()}`;
    const target = `${api.url}/api/buckets/socket/objects/content?key=${encodeURIComponent("docs/3 MiB.bin")}`;
    const bytes = Buffer.alloc(3 * MiB, 7);
    const ok = await fetch(target, { method: "PUT", body: bytes, headers: { cookie, origin: api.url } });
    expect(ok.status).toBe(201);
    expect((await ok.json()).etag).toBe(md5(bytes));

    const { request } = await import("node:http");
    const refused = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(target, { method: "PUT", headers: { cookie, origin: api.url, "content-length": TEST_MAX_OBJECT_SIZE + 1 } }, (res) => {
        let body = "";
        res.on("data", (chunk: Buffer) => (body += chunk.toString()));
        res.on("end", () => resolve({ status: res.statusCode!, body }));
      });
      req.on("error", reject);
      // Headers only: the answer must come without the body.
      req.flushHeaders();
    });
    expect(refused.status).toBe(413);
    expect(JSON.parse(refused.body)).toMatchObject({ code: "PayloadTooLarge", message: `The object is larger than the ${TEST_MAX_OBJECT_SIZE}-byte limit.` });
  });

  it("records uploads in the audit log, with what they replaced", async () => {
    await createBucket("audited");
    await uploaded("audited", "a.txt", "one");
    await uploaded("audited", "a.txt", "two!");
    const events = await db().auditEvent.findMany({ where: { bucket: "audited", action: "object.upload" }, orderBy: { id: "asc" } });
    expect(events).toHaveLength(2);
    expect(events[0]).toMatchObject({ actor: "user:tester@example.com", target: "a.txt", before: null });
    expect(JSON.parse(events[1]!.before!)).toMatchObject({ size: 3, etag: md5("one") });
    expect(JSON.parse(events[1]!.after!)).toMatchObject({ size: 4, etag: md5("two!") });
  });

  it("stores an upload with its audit event or not at all: a failed event write leaves the previous version and no blob", async () => {
    await createBucket("auditfail");
    await uploaded("auditfail", "kept.txt", "first");
    const bucket = await db().bucket.findFirstOrThrow({ where: { name: "auditfail" } });
    const { objects } = currentApp();
    const allBlobs = async () => (await Promise.all(BLOB_NAME_PREFIXES.map((prefix) => storedBlobs().listNames(prefix)))).flat();
    const blobsBefore = new Set(await allBlobs());
    // Earlier tests' cut-off uploads may still be in the S3 store's list of unfinished ones.
    const unfinishedBefore = new Set(await unfinishedWrites());
    const attributes = { bucketId: bucket.id, key: "kept.txt", storageClass: "STANDARD", httpMeta: {}, userMeta: {}, sourceUrl: null };
    const failing = objects.put(attributes, oneChunk("second"), { size: null, md5: null }, {
      alongside: async (tx) => {
        await recordAudit(tx, { actor: "tester", requestId: "auditfail" }, { action: "object.upload", bucket: "auditfail", target: "kept.txt" });
        throw new Error("audit log unavailable");
      },
    });
    await expect(failing).rejects.toThrow("audit log unavailable");
    const download = await raw(contentRoute.GET as Handler, "auditfail", { query: { key: "kept.txt" } });
    expect(await download.text()).toBe("first");
    expect(await db().auditEvent.count({ where: { bucket: "auditfail", requestId: "auditfail" } })).toBe(0);
    // The new blob was removed with the failed commit.
    expect((await allBlobs()).filter((name) => !blobsBefore.has(name))).toEqual([]);
    expect((await unfinishedWrites()).filter((name) => !unfinishedBefore.has(name))).toEqual([]);
  });
});

describe("keys that look like paths or escapes", () => {
  const keys = ["../../etc/passwd", "a/../b", "./x", "100%.txt", "%2e%2e/secret", "with space/and+plus.txt", "中文/文件 名.txt", "trailing/", "a//b"];

  it("stores, lists, downloads and deletes each key exactly as given", async () => {
    await createBucket("paths");
    for (const key of keys) await uploaded("paths", key, `content of ${key}`);
    const all = await list("paths", { delimiter: "", maxKeys: "1000" });
    expect(all.body.objects.map((o: { key: string }) => o.key).sort()).toEqual([...keys].sort());
    for (const key of keys) {
      const download = await raw(contentRoute.GET as Handler, "paths", { query: { key } });
      expect(download.status).toBe(200);
      expect(await download.text()).toBe(`content of ${key}`);
      const disposition = download.headers.get("content-disposition")!;
      expect(disposition).toMatch(/^attachment; filename="[^"/\\]*"; filename\*=UTF-8''[A-Za-z0-9%!#$&+\-.^_`|~]*$/);
    }
    // Blob names come from a hash, never from the key: nothing was written outside the blob store.
    const blobNames = await db().storedObject.findMany({ where: { bucket: { name: "paths" } }, select: { blobName: true } });
    for (const { blobName } of blobNames) expect(blobName).toMatch(/^[0-9a-z._-]+$/i);
    const deleted = await callRoute(deleteRoute.POST, { params: { bucket: "paths" }, body: { keys } });
    expect(deleted.body.deleted.sort()).toEqual([...keys].sort());
    expect((await list("paths")).body).toMatchObject({ folders: [], objects: [] });
  });

  it("refuses keys that are not keys", async () => {
    await createBucket("badkeys");
    // Over 1,024 bytes: 1,025 ASCII characters, and 342 three-byte characters (1,026 bytes, though only 342 UTF-16 units).
    for (const key of ["", "nul\0byte", "x".repeat(1025), "桶".repeat(342)]) {
      const response = await upload("badkeys", key, "x");
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ code: "InvalidObjectName" });
    }
    const noKey = await raw(contentRoute.PUT as Handler, "badkeys", { method: "PUT", body: "x" });
    expect(noKey.status).toBe(400);
    expect((await raw(contentRoute.GET as Handler, "badkeys", { query: { key: "missing" } })).status).toBe(404);
  });
});

describe("download", () => {
  it("is an attachment with nosniff and a sandbox CSP, honours one range, and never goes back to origin", async () => {
    await createBucket("download");
    await uploaded("download", "page.html", "<script>alert(1)</script>", { "content-type": "text/html" });
    const response = await raw(contentRoute.GET as Handler, "download", { query: { key: "page.html" } });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-disposition")).toBe(`attachment; filename="page.html"; filename*=UTF-8''page.html`);
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("content-security-policy")).toMatch(/^sandbox/);
    expect(response.headers.get("etag")).toBe(`"${md5("<script>alert(1)</script>")}"`);
    const part = await raw(contentRoute.GET as Handler, "download", { query: { key: "page.html" }, headers: { range: "bytes=1-6" } });
    expect(part.status).toBe(206);
    expect(part.headers.get("content-range")).toBe("bytes 1-6/25");
    expect(await part.text()).toBe("script");
    expect((await raw(contentRoute.GET as Handler, "download", { query: { key: "page.html" }, headers: { range: "bytes=99-" } })).status).toBe(416);

    // A key the bucket's rule would pull on a GET miss: the download answers 404 and asks no origin.
    await bucketWithRules(server.url, "download-mirrored", [{ resource: "*", sourceUrl: `http://${origin.host}`, prefix: "dl/" }]);
    origin.serve("/dl/cat.jpg", "meow");
    const notPulled = await raw(contentRoute.GET as Handler, "download-mirrored", { query: { key: "cat.jpg" } });
    expect(notPulled.status).toBe(404);
    expect(await notPulled.json()).toMatchObject({ code: "NoSuchKey" });
    await waitFor(() => server.engine.idle, "any fetch to settle");
    expect(origin.requestsFor("/dl/cat.jpg")).toHaveLength(0);
    expect((await list("download-mirrored")).body.objects).toEqual([]);
  });
});

describe("delete several", () => {
  it("deletes the named objects, reports the missing ones, and records one audit event", async () => {
    await createBucket("several");
    for (const key of ["x/1", "x/2", "x/3"]) await uploaded("several", key, key);
    const result = await callRoute(deleteRoute.POST, { params: { bucket: "several" }, body: { keys: ["x/1", "x/3", "x/nope"] } });
    expect(result.status).toBe(200);
    expect(result.body).toEqual({ deleted: ["x/1", "x/3"], missing: ["x/nope"] });
    expect((await list("several", { prefix: "x/" })).body.objects.map((o: { key: string }) => o.key)).toEqual(["x/2"]);
    const events = await db().auditEvent.findMany({ where: { bucket: "several", action: "object.delete" } });
    expect(events).toHaveLength(1);
    expect(JSON.parse(events[0]!.before!)).toEqual({ keys: ["x/1", "x/3"] });
  });

  it("refuses an empty list, duplicates, and more than 1,000 keys", async () => {
    await createBucket("severalbad");
    for (const keys of [[], ["a", "a"], Array.from({ length: 1001 }, (_, i) => `k${i}`)]) {
      const result = await callRoute(deleteRoute.POST, { params: { bucket: "severalbad" }, body: { keys } });
      expect(result.status).toBe(422);
      expect(result.body.fieldErrors).toHaveProperty("keys");
    }
  });
});

describe("access", () => {
  it("needs a session for every route, and the console's own origin for every change", async () => {
    await createBucket("guarded");
    await uploaded("guarded", "k", "v");
    const anonymous = [
      await raw(objectsRoute.GET as Handler, "guarded", { session: false }),
      await raw(contentRoute.GET as Handler, "guarded", { query: { key: "k" }, session: false }),
      await raw(contentRoute.PUT as Handler, "guarded", { method: "PUT", query: { key: "k2" }, body: "x", session: false }),
      await raw(emptyRoute.GET as Handler, "guarded", { session: false }),
    ];
    for (const response of anonymous) expect(response.status).toBe(401);
    const crossSite = { origin: "https://evil.example" };
    const refused = [
      await raw(contentRoute.PUT as Handler, "guarded", { method: "PUT", query: { key: "k2" }, body: "x", headers: crossSite }),
      await callRoute(deleteRoute.POST, { params: { bucket: "guarded" }, body: { keys: ["k"] }, headers: crossSite }),
      await callRoute(emptyRoute.POST, { params: { bucket: "guarded" }, method: "POST", headers: crossSite }),
      await callRoute(presignRoute.POST, { params: { bucket: "guarded" }, body: { key: "k", accessKeyId: TEST_CREDENTIALS.accessKeyId, expiresInSeconds: 600 }, headers: crossSite }),
    ];
    for (const response of refused) expect(response.status).toBe(403);
    expect((await list("guarded")).body.objects.map((o: { key: string }) => o.key)).toEqual(["k"]);
    expect(await currentApp().emptier.current((await db().bucket.findFirstOrThrow({ where: { name: "guarded" } })).id)).toBeNull();
  });
});

describe("presigned links", () => {
  const presign = (bucket: string, body: Record<string, unknown>) =>
    callRoute(presignRoute.POST, { params: { bucket }, body, headers: { host: new URL(server.url).host, origin: server.url } });

  it("signs BOS and S3 links that plain clients can fetch, for keys with dot segments and Unicode too", async () => {
    await createBucket("links");
    for (const key of ["docs/报告 1.txt", "a/../b.txt"]) {
      await uploaded("links", key, `bytes of ${key}`);
      for (const signature of ["bos", "s3"]) {
        const link = await presign("links", { key, accessKeyId: TEST_CREDENTIALS.accessKeyId, expiresInSeconds: 3600, signature });
        expect(link.status).toBe(201);
        expect(Date.parse(link.body.expiresAt) - Date.now()).toBeGreaterThan(3590_000);
        const fetched = await fetch(link.body.url);
        expect(fetched.status).toBe(200);
        expect(await fetched.text()).toBe(`bytes of ${key}`);
      }
    }
    const events = await db().auditEvent.findMany({ where: { bucket: "links", action: "object.presign" } });
    expect(events).toHaveLength(4);
  });

  it("refuses a missing object, an unknown or disabled key, and more than 7 days", async () => {
    await createBucket("linksbad");
    await uploaded("linksbad", "k", "v");
    expect((await presign("linksbad", { key: "nope", accessKeyId: TEST_CREDENTIALS.accessKeyId, expiresInSeconds: 600 })).status).toBe(404);
    const unknown = await presign("linksbad", { key: "k", accessKeyId: "nosuchkey", expiresInSeconds: 600 });
    expect(unknown.status).toBe(422);
    expect(unknown.body.fieldErrors).toHaveProperty("accessKeyId");
    const tooLong = await presign("linksbad", { key: "k", accessKeyId: TEST_CREDENTIALS.accessKeyId, expiresInSeconds: 7 * 24 * 3600 + 1 });
    expect(tooLong.status).toBe(422);
    expect(tooLong.body.fieldErrors).toHaveProperty("expiresInSeconds");
    const created = await callRoute(accessKeysRoute.POST, { body: { description: "to disable" } });
    await callRoute(accessKeyRoute.PATCH, { params: { accessKeyId: created.body.accessKeyId }, body: { enabled: false }, method: "PATCH" });
    const disabled = await presign("linksbad", { key: "k", accessKeyId: created.body.accessKeyId, expiresInSeconds: 600 });
    expect(disabled.status).toBe(422);
    expect(disabled.body.fieldErrors.accessKeyId[0]).toMatch(/disabled/);
  });
});

describe("empty bucket", () => {
  /** Objects with real blobs (put through the object service: ~70 ms each on a busy disk). */
  const REAL = 150;
  /** Rows added in bulk on top, so the listing and the batches see thousands of objects. */
  const ROWS = 4850;

  async function seed(bucketId: number): Promise<string[]> {
    const { objects } = currentApp();
    let next = 0;
    const put = async () => {
      while (next < REAL) {
        const key = `real/${String(next++).padStart(4, "0")}`;
        await objects.put({ bucketId, key, storageClass: "STANDARD", httpMeta: {}, userMeta: {}, sourceUrl: null }, oneChunk(key), { size: null, md5: null });
      }
    };
    await Promise.all(Array.from({ length: 8 }, put));
    const rows = Array.from({ length: ROWS }, (_, i) => ({ bucketId, key: `f${i % 7}/obj-${String(i).padStart(5, "0")}`, size: 0n, etag: md5(""), storageClass: "STANDARD", blobName: `bulk-${i}` }));
    for (let i = 0; i < rows.length; i += 500) await db().storedObject.createMany({ data: rows.slice(i, i + 500) });
    return (await db().storedObject.findMany({ where: { bucketId, key: { startsWith: "real/" } }, select: { blobName: true } })).map((row) => row.blobName);
  }

  const existing = async (names: string[]) => (await Promise.all(names.map(async (name) => ((await storedBlobs().has(name)) ? [name] : [])))).flat();

  it("deletes thousands of objects as a job the console polls, then the bucket can be deleted", async () => {
    await createBucket("emptyme");
    const bucket = await db().bucket.findFirstOrThrow({ where: { name: "emptyme" } });
    const blobs = await seed(bucket.id);
    expect(await existing(blobs)).toEqual(blobs);
    expect((await callRoute(bucketRoute.DELETE, { params: { bucket: "emptyme" } })).body.code).toBe("BucketNotEmpty");

    expect((await callRoute(emptyRoute.GET, { params: { bucket: "emptyme" } })).body).toEqual({ job: null });
    const startedAt = Date.now();
    const started = await callRoute(emptyRoute.POST, { params: { bucket: "emptyme" }, method: "POST" });
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({ started: true, job: { state: "running", total: REAL + ROWS } });
    // A second start while it runs answers the same job.
    const again = await callRoute(emptyRoute.POST, { params: { bucket: "emptyme" }, method: "POST" });
    if (again.body.job.state === "running") {
      expect(again.status).toBe(200);
      expect(again.body).toMatchObject({ started: false, job: { id: started.body.job.id } });
    }
    const progress: number[] = [];
    let job: { state: string; deleted: number } = started.body.job;
    await waitFor(async () => {
      job = (await callRoute(emptyRoute.GET, { params: { bucket: "emptyme" } })).body.job;
      progress.push(job.deleted);
      return job.state !== "running";
    }, "the bucket to be emptied", TEST_TIMEOUT_MS);
    console.log(`emptied ${REAL + ROWS} objects in ${Date.now() - startedAt} ms`);
    expect(job).toMatchObject({ id: started.body.job.id, state: "completed", total: REAL + ROWS, deleted: REAL + ROWS, failed: 0, remaining: 0, error: null });
    expect(progress.some((deleted) => deleted > 0 && deleted < REAL + ROWS)).toBe(true);
    expect(await db().storedObject.count({ where: { bucketId: bucket.id } })).toBe(0);
    expect(await existing(blobs)).toEqual([]);
    const actions = (await db().auditEvent.findMany({ where: { bucket: "emptyme" }, orderBy: { id: "asc" } })).map((event) => event.action);
    expect(actions.slice(-2)).toEqual(["bucket.empty", "bucket.emptied"]);

    expect((await callRoute(bucketRoute.DELETE, { params: { bucket: "emptyme" } })).status).toBe(204);
    // Seeding 5,000 objects and deleting them takes a while on a busy machine.
  }, 3 * TEST_TIMEOUT_MS);

  it("reports objects written behind it while it ran as remaining, so the bucket is not called empty", async () => {
    await createBucket("emptyrace");
    const bucket = await db().bucket.findFirstOrThrow({ where: { name: "emptyrace" } });
    const { objects } = currentApp();
    for (const key of ["m1", "m2", "m3"]) await objects.put({ bucketId: bucket.id, key, storageClass: "STANDARD", httpMeta: {}, userMeta: {}, sourceUrl: null }, oneChunk(key), { size: null, md5: null });
    // The real object service, but a client writes "a0" (behind the job's marker) just before its first delete.
    const racing = Object.create(objects) as typeof objects;
    let wrote = false;
    racing.deleteKeys = async (bucketId, keys) => {
      if (!wrote) {
        wrote = true;
        await objects.put({ bucketId, key: "a0", storageClass: "STANDARD", httpMeta: {}, userMeta: {}, sourceUrl: null }, oneChunk("late"), { size: null, md5: null });
      }
      return objects.deleteKeys(bucketId, keys);
    };
    // A runner of its own, as another instance (the app's runner leaves a live instance's job alone).
    const app = currentApp();
    const instance = new InstanceRegistry(() => db(), { name: "racing", leaseMs: 60_000, onBeatError: () => undefined });
    await instance.register();
    const jobs = new JobRunner({ db: new JobRepository(() => db()), instance, logger: app.telemetry.logger });
    let resolveFinished!: (job: EmptyJob) => void;
    const finished = new Promise<EmptyJob>((resolve) => (resolveFinished = resolve));
    const emptier = new BucketEmptier(racing, jobs, { onStarted: async () => undefined, onFinished: async (job) => resolveFinished(job) }, { pageSize: 1, batchSize: 1 });
    await emptier.start(bucket, { bucket: bucket.name, actor: "tester", requestId: "racing" });
    expect(await finished).toMatchObject({ state: "completed", total: 3, deleted: 3, failed: 0, remaining: 1 });
    expect((await list("emptyrace")).body.objects.map((o: { key: string }) => o.key)).toEqual(["a0"]);
    expect((await callRoute(bucketRoute.DELETE, { params: { bucket: "emptyrace" } })).body.code).toBe("BucketNotEmpty");
    await jobs.close();
    await instance.close();
  });

  it("records a job's start and end with their audit events or not at all: a failed audit write leaves the job running, and it ends again with one event", async () => {
    await createBucket("emptyaudit");
    const bucket = await db().bucket.findFirstOrThrow({ where: { name: "emptyaudit" } });
    const { objects } = currentApp();
    for (const key of ["x1", "x2"]) await objects.put({ bucketId: bucket.id, key, storageClass: "STANDARD", httpMeta: {}, userMeta: {}, sourceUrl: null }, oneChunk(key), { size: null, md5: null });
    const instance = new InstanceRegistry(() => db(), { name: "auditing", leaseMs: 60_000, onBeatError: () => undefined });
    await instance.register();
    const jobs = new JobRunner({ db: new JobRepository(() => db()), instance, logger: currentApp().telemetry.logger }, { pollIntervalMs: 50 });
    const input = { bucket: bucket.name, actor: "tester", requestId: "auditing" };
    let startFails = true;
    let endFails = true;
    const emptier = new BucketEmptier(
      objects,
      jobs,
      {
        // Each writes its event, then fails the first time: the event must go with what it failed.
        onStarted: async (job, _input, tx) => {
          await recordAudit(tx, input, { action: "bucket.empty", bucket: bucket.name, target: job.id });
          if (startFails) {
            startFails = false;
            throw new Error("audit log unavailable");
          }
        },
        onFinished: async (job, _input, tx) => {
          await recordAudit(tx, input, { action: "bucket.emptied", bucket: bucket.name, target: job.id, after: { state: job.state } });
          if (endFails) {
            endFails = false;
            throw new Error("audit log unavailable");
          }
        },
      },
      { pageSize: 10, batchSize: 10 },
    );
    const events = () => db().auditEvent.findMany({ where: { bucket: bucket.name, action: { in: ["bucket.empty", "bucket.emptied"] } }, orderBy: { id: "asc" } });
    await expect(emptier.start(bucket, input)).rejects.toThrow("audit log unavailable");
    // Neither a job nor its start event.
    expect(await emptier.current(bucket.id)).toBeNull();
    expect(await events()).toEqual([]);

    const { job, started } = await emptier.start(bucket, input);
    expect(started).toBe(true);
    // The first end fails with its event; the poll runs the job again (nothing left) and ends it.
    jobs.start();
    await waitFor(async () => (await emptier.current(bucket.id))?.state === "completed", "the job to end after its failed end");
    expect(endFails).toBe(false);
    expect((await events()).map((event) => [event.action, event.target])).toEqual([
      ["bucket.empty", job.id],
      ["bucket.emptied", job.id],
    ]);
    expect(await db().storedObject.count({ where: { bucketId: bucket.id } })).toBe(0);
    await jobs.close();
    await instance.close();
  });
});
