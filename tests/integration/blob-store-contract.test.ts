/**
 * What the object service relies on from a BlobStore, checked on the configured one (the disk in
 * the `integration` project, Ceph's radosgw in `integration-s3`): a write is invisible until its
 * commit, ranges read back exactly (across the S3 store's part boundaries too), readers can read
 * behind a live write, a discarded write leaves nothing, and a write left by a crash is listed as
 * unfinished and removed.
 */
import { createHash, randomBytes } from "node:crypto";
import type { Readable } from "node:stream";
import { afterAll, expect, it } from "vitest";
import { env } from "@/lib/env";
import { BLOB_NAME_PREFIXES } from "@/lib/objects/consistency-check";
import { createBlobStore } from "@/lib/runtime/create-blob-store";
import { newBlobName } from "@/lib/storage/blob-name";

const MiB = 1024 * 1024;
const config = env();
// The smallest part S3 allows, so 12 MiB crosses two part boundaries.
const store = createBlobStore(config.blobStore.kind === "s3" ? { ...config, blobStore: { ...config.blobStore, partBytes: 5 * MiB } } : config);
await store.init();
afterAll(() => store.close());

const md5 = (data: Buffer) => createHash("md5").update(data).digest("hex");

async function readStream(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function allNames(): Promise<string[]> {
  return (await Promise.all(BLOB_NAME_PREFIXES.map((prefix) => store.listNames(prefix)))).flat();
}

it("makes a streamed write visible only at its commit, and reads any range of it back", async () => {
  const body = randomBytes(12 * MiB + 12345);
  const writer = await store.createWriter(newBlobName(1, "big"), { sizeHint: body.length });
  for (let offset = 0; offset < body.length; offset += 256 * 1024) await writer.append([body.subarray(offset, offset + 256 * 1024)]);
  expect(await store.has(writer.name)).toBe(false);
  await writer.commit();
  await writer.close();
  expect(await store.has(writer.name)).toBe(true);
  expect(await allNames()).toContain(writer.name);
  expect(md5(await readStream(store.openRange(writer.name, 0, body.length - 1)))).toBe(md5(body));
  // Across the first part boundary (5 MiB), and the last byte alone.
  const [start, end] = [5 * MiB - 100, 5 * MiB + 100];
  expect((await readStream(store.openRange(writer.name, start, end))).equals(body.subarray(start, end + 1))).toBe(true);
  expect((await readStream(store.openRange(writer.name, body.length - 1, body.length - 1))).equals(body.subarray(-1))).toBe(true);
  await store.remove(writer.name);
  expect(await store.has(writer.name)).toBe(false);
  await store.remove(writer.name); // a missing blob is not an error
});

it("stores an empty blob and a small one", async () => {
  for (const body of [Buffer.alloc(0), Buffer.from("small")]) {
    const writer = await store.createWriter(newBlobName(1, `small-${body.length}`));
    await writer.append([body]);
    await writer.commit();
    await writer.close();
    expect((await store.readAll(writer.name)).equals(body)).toBe(true);
    expect((await readStream(store.openRange(writer.name, 0, Math.max(0, body.length - 1)))).equals(body)).toBe(true);
  }
});

it("lets readers read behind a live write, and leaves nothing when the write is discarded", async () => {
  const before = await store.listUnfinished();
  const body = randomBytes(7 * MiB);
  const writer = await store.createWriter(newBlobName(1, "behind"), { readBehind: true });
  await writer.append([body.subarray(0, 6 * MiB)]);
  expect((await writer.read(100, 1000)).equals(body.subarray(100, 1100))).toBe(true);
  await writer.append([body.subarray(6 * MiB)]);
  expect((await writer.read(6 * MiB - 10, 20)).equals(body.subarray(6 * MiB - 10, 6 * MiB + 10))).toBe(true);
  expect((await store.listUnfinished()).length).toBeGreaterThan(before.length);
  await writer.discard();
  expect(await store.listUnfinished()).toEqual(before);
  expect(await store.has(writer.name)).toBe(false);
});

it("lists a write a crash left as unfinished, and removes it", async () => {
  const writer = await store.createWriter(newBlobName(1, "crashed"), { readBehind: true });
  await writer.append([randomBytes(6 * MiB)]); // past one part: the S3 store has started an upload
  // The process "dies" here: nothing discards the writer.
  const left = await store.listUnfinished();
  expect(left.length).toBeGreaterThan(0);
  if (config.blobStore.kind === "s3") expect(left.map((write) => write.name)).toContainEqual(expect.stringMatching(/^multipart\/[0-9a-f]{64}\.[0-9a-f]{12}\/.+/));
  for (const write of left) expect(write.modifiedAt.getTime()).toBeGreaterThan(Date.now() - 10 * 60_000);
  for (const write of left) await store.removeUnfinished(write.name);
  expect(await store.listUnfinished()).toEqual([]);
  expect(await store.has(writer.name)).toBe(false);
  await expect(store.removeUnfinished("../outside")).rejects.toThrow(RangeError);
});
