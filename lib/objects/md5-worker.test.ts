import { createHash, randomBytes } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { INLINE_BELOW_BYTES, closeMd5Workers, createMd5 } from "./md5-worker";

const md5 = (data: Uint8Array) => createHash("md5").update(data).digest("hex");

/** Feeds `data` in chunks of the given sizes, cycling through them. */
function feed(stream: ReturnType<typeof createMd5>, data: Buffer, sizes: number[]): void {
  let offset = 0;
  for (let i = 0; offset < data.length; i++) {
    const size = sizes[i % sizes.length]!;
    stream.update(data.subarray(offset, offset + size));
    offset += size;
  }
}

afterAll(() => closeMd5Workers());

describe("createMd5", () => {
  it("hashes on a worker what createHash hashes inline, for any chunking", async () => {
    const data = randomBytes(3 * 1024 * 1024 + 17);
    for (const sizes of [[1], [65536], [1000, 0, 70000, 3], [5 * 1024 * 1024]]) {
      const input = sizes[0] === 1 ? data.subarray(0, 5000) : data;
      const stream = createMd5({ worker: true, batchBytes: 256 * 1024 });
      expect(stream.kind).toBe("worker");
      feed(stream, input, sizes);
      expect(await stream.digest()).toBe(md5(input));
    }
  });

  it("gives the MD5 of nothing for an empty stream", async () => {
    const stream = createMd5({ worker: true });
    expect(await stream.digest()).toBe("d41d8cd98f00b204e9800998ecf8427e");
  });

  it("copies on update, so the caller may reuse its buffer at once", async () => {
    const data = randomBytes(200_000);
    const expected = md5(data);
    const stream = createMd5({ worker: true, batchBytes: 64 * 1024 });
    const scratch = Buffer.alloc(10_000);
    for (let offset = 0; offset < data.length; offset += scratch.length) {
      data.copy(scratch, 0, offset, offset + scratch.length);
      stream.update(scratch);
      scratch.fill(0xaa);
    }
    expect(await stream.digest()).toBe(expected);
  });

  it("keeps interleaved streams apart", async () => {
    const bodies = Array.from({ length: 5 }, (_, i) => randomBytes(300_000 + i * 1234));
    const streams = bodies.map(() => createMd5({ worker: true, batchBytes: 32 * 1024 }));
    for (let offset = 0; offset < 400_000; offset += 7000) {
      bodies.forEach((body, i) => {
        if (offset < body.length) streams[i]!.update(body.subarray(offset, offset + 7000));
      });
    }
    const digests = await Promise.all(streams.map((stream) => stream.digest()));
    expect(digests).toEqual(bodies.map(md5));
  });

  it("hashes small bodies inline and large or unknown ones on a worker", async () => {
    expect(createMd5({ sizeHint: 4096 }).kind).toBe("inline");
    const large = createMd5({ sizeHint: INLINE_BELOW_BYTES });
    const unknown = createMd5({ sizeHint: null });
    expect([large.kind, unknown.kind]).toEqual(["worker", "worker"]);
    large.abort();
    unknown.abort();
    const inline = createMd5({ worker: false });
    inline.update(Buffer.from("abc"));
    expect(await inline.digest()).toBe(md5(Buffer.from("abc")));
  });

  it("reports pending bytes and resolves a backpressure wait once the worker caught up", async () => {
    const stream = createMd5({ worker: true, batchBytes: 64 * 1024 });
    const data = randomBytes(4 * 1024 * 1024);
    stream.update(data);
    expect(stream.pendingBytes).toBe(data.length);
    await stream.whenPendingAtMost(0);
    expect(stream.pendingBytes).toBe(0);
    expect(await stream.digest()).toBe(md5(data));
  });

  it("refuses use after digest, and a digest after abort", async () => {
    const stream = createMd5({ worker: true });
    stream.update(Buffer.from("x"));
    await stream.digest();
    expect(() => stream.update(Buffer.from("y"))).toThrow(/finished/);
    await expect(stream.digest()).rejects.toThrow(/finished/);

    const aborted = createMd5({ worker: true });
    aborted.update(randomBytes(2 * 1024 * 1024));
    const digest = aborted.digest();
    aborted.abort();
    await expect(digest).rejects.toThrow(/aborted/);
  });

  it("fails open streams when the workers stop, and starts new workers afterwards", async () => {
    const stream = createMd5({ worker: true, batchBytes: 64 * 1024 });
    stream.update(randomBytes(1024 * 1024));
    const waiting = stream.whenPendingAtMost(0).then(
      () => "caught up",
      () => "failed",
    );
    await closeMd5Workers();
    await expect(stream.digest()).rejects.toThrow(/exited|finished/);
    expect(["caught up", "failed"]).toContain(await waiting);

    const fresh = createMd5({ worker: true });
    fresh.update(Buffer.from("again"));
    expect(await fresh.digest()).toBe(md5(Buffer.from("again")));
  });

  it("never holds the event loop for the hash: update costs a copy, not an MD5", async () => {
    const data = randomBytes(32 * 1024 * 1024);
    const inlineStart = performance.now();
    const expected = md5(data);
    const inlineMs = performance.now() - inlineStart;
    // As an ingest feeds it: 64 KiB reads, waiting when 4 MiB are pending. The second round runs on reused buffers.
    let updateMs = 0;
    for (let round = 0; round < 2; round++) {
      const stream = createMd5({ worker: true });
      updateMs = 0;
      for (let offset = 0; offset < data.length; offset += 65536) {
        const start = performance.now();
        stream.update(data.subarray(offset, offset + 65536));
        updateMs += performance.now() - start;
        await stream.whenPendingAtMost(4 * 1024 * 1024);
      }
      expect(await stream.digest()).toBe(expected);
    }
    // A copy into warm memory is ~10x cheaper than MD5; 3x leaves room for a busy machine.
    expect(updateMs).toBeLessThan(inlineMs / 3);
  });
});
