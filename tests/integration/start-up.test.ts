/**
 * Start-up reads the write journal, never the blob directory or every row: it starts with blob
 * shards that cannot be read at all, and leaves rows it has no reason to look at. The write path
 * keeps the journal empty once its writes are done.
 */
import { mkdir, readdir, rm, symlink } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { env } from "@/lib/env";
import { startObjectServer, type TestObjectServer } from "../support/object-server";
import { signedFetch } from "../support/signed-fetch";
import { storedBlobs, usesS3BlobStore } from "../support/stored-blobs";
import { waitFor } from "../support/wait";
import { BLOB_NAME_PREFIXES } from "@/lib/objects/consistency-check";

const blobDir = () => path.join(env().dataDir, "blobs");
const shards = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));
let server: TestObjectServer | undefined;

beforeAll(async () => {
  // Every shard a symlink to itself: listing or opening anything in it fails with ELOOP.
  await mkdir(blobDir(), { recursive: true });
  await Promise.all(shards.map((shard) => symlink(shard, path.join(blobDir(), shard))));
  const bucket = await db().bucket.create({ data: { name: "huge", zoneType: "SINGLE_AZ", defaultStorageClass: "STANDARD" } });
  // Rows whose blobs cannot exist: a start-up that compared rows with blobs would delete them all.
  await db().storedObject.createMany({
    data: Array.from({ length: 2_000 }, (_, i) => ({ bucketId: bucket.id, key: `k/${i}`, size: 1n, etag: "x", storageClass: "STANDARD", blobName: `${shards[i % 256]}${"0".repeat(62)}.${String(i).padStart(12, "0")}` })),
  });
});
afterAll(() => server?.stop());

it("starts without listing blobs or reading every row", async () => {
  // (On the S3 store the blob directory is unused; the rows without blobs are the test there.)
  if (!usesS3BlobStore()) await expect(readdir(path.join(blobDir(), "ab"))).rejects.toMatchObject({ code: "ELOOP" });
  server = await startObjectServer();
  expect(await db().storedObject.count()).toBe(2_000);
  const page = await (await signedFetch(`${server.url}/v1/huge?maxKeys=5`)).json();
  expect(page.contents).toHaveLength(5);
});

it("leaves no journal entry behind after uploads, replacements and deletes", async () => {
  // Real shards again for the writes.
  await Promise.all(shards.map((shard) => rm(path.join(blobDir(), shard))));
  const base = `${server!.url}/v1/huge`;
  for (const [method, key, body] of [["PUT", "a", "one"], ["PUT", "a", "two"], ["PUT", "b", "three"], ["DELETE", "b", undefined]] as const) {
    const response = await signedFetch(`${base}/${key}`, { method, body });
    expect(response.status).toBeLessThan(300);
  }
  await waitFor(async () => (await db().pendingWrite.count()) === 0, "the journal to empty");
  const files = (await Promise.all(BLOB_NAME_PREFIXES.map((prefix) => storedBlobs().listNames(prefix)))).flat();
  const a = await db().storedObject.findFirstOrThrow({ where: { key: "a" } });
  expect(files).toEqual([a.blobName]);
});
