/**
 * What the object service relies on from a BlobStore, checked on the configured one (the disk in
 * the `integration` project, Ceph's radosgw in `integration-s3`): a write is invisible until its
 * commit, ranges read back exactly (across the S3 store's part boundaries too), readers can read
 * behind a live write, a discarded write leaves nothing, a write left by a crash is listed as
 * unfinished and removed, and a range sent to a slow writable arrives exactly, whatever the store
 * does with its read buffers.
 */
import { createHash, randomBytes } from "node:crypto";
import { Writable, type Readable } from "node:stream";
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

/**
 * A writable that keeps each chunk it is given (the view itself, as a socket's queue does) for a
 * while before taking a copy and completing the write: a store that reused a buffer before the
 * write's callback would have overwritten bytes not yet "sent".
 */
function slowSink(holdMs: number, highWaterMark = 16 * 1024) {
  const received: Buffer[] = [];
  const sink = new Writable({
    highWaterMark,
    write(chunk: Buffer, _encoding, callback) {
      setTimeout(() => {
        received.push(Buffer.from(chunk));
        callback();
      }, holdMs);
    },
  });
  return { sink, received: () => Buffer.concat(received) };
}

async function committed(key: string, body: Buffer): Promise<string> {
  const writer = await store.createWriter(newBlobName(1, key), { sizeHint: body.length });
  for (let offset = 0; offset < body.length; offset += MiB) await writer.append([body.subarray(offset, offset + MiB)]);
  await writer.commit();
  await writer.close();
  return writer.name;
}

it("sends any range to a slow writable exactly, with its backpressure, calling `ready` before the first byte", async () => {
  const body = randomBytes(3 * MiB + 4321);
  const name = await committed("send", body);
  for (const [start, end] of [
    [0, body.length - 1],
    [256 * 1024 - 7, 2 * MiB + 9], // across read buffers
    [body.length - 1, body.length - 1],
  ] as const) {
    const { sink, received } = slowSink(2);
    let readyBeforeBytes: boolean | null = null;
    await store.sendRange(name, start, end, sink, () => (readyBeforeBytes = received().length === 0 && sink.writableLength === 0));
    await new Promise<void>((resolve) => sink.end(resolve));
    expect(readyBeforeBytes).toBe(true);
    expect(received().equals(body.subarray(start, end + 1))).toBe(true);
  }
  await store.remove(name);
});

it("sends a range to several slow writables at once without mixing their bytes", async () => {
  const bodies = [randomBytes(2 * MiB + 1), randomBytes(2 * MiB + 2), randomBytes(2 * MiB + 3)];
  const names = await Promise.all(bodies.map((body, i) => committed(`send-many-${i}`, body)));
  const sinks = bodies.map((_, i) => slowSink(1 + i));
  await Promise.all(names.map((name, i) => store.sendRange(name, 0, bodies[i]!.length - 1, sinks[i]!.sink)));
  await Promise.all(sinks.map(({ sink }) => new Promise<void>((resolve) => sink.end(resolve))));
  sinks.forEach(({ received }, i) => expect(md5(received())).toBe(md5(bodies[i]!)));
  await Promise.all(names.map((name) => store.remove(name)));
});

it("refuses to send a blob that does not exist before `ready`, and stops when the writable goes away", async () => {
  let ready = false;
  const { sink } = slowSink(1);
  await expect(store.sendRange(newBlobName(1, "never-written"), 0, 10, sink, () => (ready = true))).rejects.toThrow();
  expect(ready).toBe(false);

  // A writable that takes its first chunk and never finishes writing it, then goes away.
  const name = await committed("send-gone", randomBytes(4 * MiB));
  const gone = new Writable({
    highWaterMark: 1024,
    write() {
      setImmediate(() => gone.destroy());
    },
  });
  await expect(store.sendRange(name, 0, 4 * MiB - 1, gone)).rejects.toThrow(/closed/);
  await store.remove(name);
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
