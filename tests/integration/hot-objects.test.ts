/**
 * Objects between SMALL_OBJECT_BYTES and HOT_OBJECT_BYTES are streamed from their blob on a first
 * read and kept in memory from a second (lib/objects/object-service.ts): a hot one is then served
 * without touching the blob store, a scan that reads many once keeps none, and larger objects are
 * always streamed. Counted between the object service and the store, on the real disk store.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, beforeEach, expect, it } from "vitest";
import { HOT_OBJECT_BYTES, SMALL_OBJECT_BYTES } from "@/lib/objects/object-service";
import type { BlobStore } from "@/lib/storage/blob-store";
import { startObjectServer, type TestObjectServer } from "../support/object-server";
import { signedFetch } from "../support/signed-fetch";
import { withOverrides } from "../support/with-overrides";

let server: TestObjectServer;
const BUCKET = "hot";
/** Calls the object service made to the store's read methods since the last reset. */
const reads = { sendRange: 0, openRange: 0, readAll: 0 };

const countingStore = (store: BlobStore): BlobStore =>
  withOverrides(store, {
    sendRange: (...args: Parameters<BlobStore["sendRange"]>) => {
      reads.sendRange += 1;
      return store.sendRange(...args);
    },
    openRange: (...args: Parameters<BlobStore["openRange"]>) => {
      reads.openRange += 1;
      return store.openRange(...args);
    },
    readAll: (name: string) => {
      reads.readAll += 1;
      return store.readAll(name);
    },
  });

const objectUrl = (key: string, on = server) => `${on.url}/v1/${BUCKET}/${key}`;

async function put(key: string, body: Buffer, on = server): Promise<void> {
  expect((await signedFetch(objectUrl(key, on), { method: "PUT", body: new Uint8Array(body) })).status).toBe(200);
}

/** GETs `key` and checks the answer's status and bytes (Buffer.equals: a deep comparison of a MiB takes seconds). */
async function expectGet(key: string, status: number, bytes: Buffer, range?: string, on = server): Promise<void> {
  const response = await signedFetch(objectUrl(key, on), range ? { headers: { range } } : undefined);
  expect(response.status).toBe(status);
  const received = Buffer.from(await response.arrayBuffer());
  expect(received.length).toBe(bytes.length);
  expect(received.equals(bytes)).toBe(true);
}

beforeAll(async () => {
  server = await startObjectServer(undefined, {}, { wrapBlobStore: countingStore });
  expect((await signedFetch(`${server.url}/v1/${BUCKET}`, { method: "PUT" })).status).toBe(200);
});
afterAll(async () => {
  await server.stop();
});
beforeEach(() => {
  Object.assign(reads, { sendRange: 0, openRange: 0, readAll: 0 });
});

it("a hot object of HOT_OBJECT_BYTES is streamed once, read into memory on its second read, then served from memory, ranges included", async () => {
  const body = randomBytes(HOT_OBJECT_BYTES);
  await put("one-mib.bin", body);

  await expectGet("one-mib.bin", 200, body);
  expect(reads).toEqual({ sendRange: 1, openRange: 0, readAll: 0 });

  await expectGet("one-mib.bin", 200, body);
  expect(reads).toEqual({ sendRange: 1, openRange: 0, readAll: 1 });

  for (let i = 0; i < 3; i++) await expectGet("one-mib.bin", 200, body);
  await expectGet("one-mib.bin", 206, body.subarray(1000, 2000), "bytes=1000-1999");
  await expectGet("one-mib.bin", 206, body.subarray(body.length - 10), `bytes=-10`);
  expect(reads).toEqual({ sendRange: 1, openRange: 0, readAll: 1 });

  // A new version is a new blob: its bytes, never the old ones from memory, and it starts cold.
  const next = randomBytes(HOT_OBJECT_BYTES);
  await put("one-mib.bin", next);
  await expectGet("one-mib.bin", 200, next);
  expect(reads).toEqual({ sendRange: 2, openRange: 0, readAll: 1 });
});

it("requests that come while a hot object is being read into memory share that one read", async () => {
  const body = randomBytes(HOT_OBJECT_BYTES);
  await put("shared.bin", body);
  await expectGet("shared.bin", 200, body);
  expect(reads).toEqual({ sendRange: 1, openRange: 0, readAll: 0 });
  // The second read promotes it; the others, sent at the same time, join that read (or find it kept).
  await Promise.all(Array.from({ length: 6 }, () => expectGet("shared.bin", 200, body)));
  expect(reads).toEqual({ sendRange: 1, openRange: 0, readAll: 1 });
});

it("an object one byte over HOT_OBJECT_BYTES is streamed on every read", async () => {
  const body = randomBytes(HOT_OBJECT_BYTES + 1);
  await put("over.bin", body);
  for (let i = 0; i < 3; i++) await expectGet("over.bin", 200, body);
  await expectGet("over.bin", 206, body.subarray(5, 10), "bytes=5-9");
  expect(reads).toEqual({ sendRange: 4, openRange: 0, readAll: 0 });
});

it("objects over SMALL_OBJECT_BYTES read once each are all streamed and none is kept; small ones are kept from their first read", async () => {
  const scanned = Array.from({ length: 5 }, () => randomBytes(SMALL_OBJECT_BYTES + 1));
  for (const [i, body] of scanned.entries()) await put(`scan/${i}.bin`, body);
  Object.assign(reads, { sendRange: 0, openRange: 0, readAll: 0 });
  for (const [i, body] of scanned.entries()) await expectGet(`scan/${i}.bin`, 200, body);
  expect(reads).toEqual({ sendRange: 5, openRange: 0, readAll: 0 });

  const small = randomBytes(SMALL_OBJECT_BYTES);
  await put("small.bin", small);
  for (let i = 0; i < 3; i++) await expectGet("small.bin", 200, small);
  expect(reads).toEqual({ sendRange: 5, openRange: 0, readAll: 1 });
});

it("a hot object is kept only if it takes at most a quarter of CONTENT_CACHE_BYTES; a larger one is streamed on every read", async () => {
  // A cache of 2 MiB: a quarter is 512 KiB, between SMALL_OBJECT_BYTES and HOT_OBJECT_BYTES.
  const cacheBytes = 2 * 1024 * 1024;
  const quarter = cacheBytes / 4;
  expect(quarter).toBeGreaterThan(SMALL_OBJECT_BYTES);
  expect(quarter).toBeLessThan(HOT_OBJECT_BYTES);
  // Another app on the same database and data directory: the bucket is there already.
  const small = await startObjectServer(undefined, {}, { wrapBlobStore: countingStore, contentCacheBytes: cacheBytes });
  try {
    const over = randomBytes(quarter + 1);
    const fits = randomBytes(quarter);
    await put("over-quarter.bin", over, small);
    await put("quarter.bin", fits, small);
    Object.assign(reads, { sendRange: 0, openRange: 0, readAll: 0 });

    for (let i = 0; i < 4; i++) await expectGet("over-quarter.bin", 200, over, undefined, small);
    expect(reads).toEqual({ sendRange: 4, openRange: 0, readAll: 0 });

    for (let i = 0; i < 4; i++) await expectGet("quarter.bin", 200, fits, undefined, small);
    expect(reads).toEqual({ sendRange: 5, openRange: 0, readAll: 1 });
  } finally {
    await small.stop();
  }
});
