import { spawnSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
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

  it("hashes written ranges of a file on the worker, and fails the digest when they cannot be read", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "md5-worker-file-"));
    try {
      const data = randomBytes(3 * 1024 * 1024 + 17);
      const file = path.join(dir, "written");
      writeFileSync(file, data);
      const fd = openSync(file, "r");
      try {
        const stream = createMd5({ worker: true });
        // Ranges of any size, as an ingest's writes complete (larger than the worker's 1 MiB read buffer too).
        let position = 0;
        for (const size of [1, 65536, 2 * 1024 * 1024, 0, 1000]) {
          stream.updateFromFile!(fd, position, size);
          position += size;
        }
        stream.updateFromFile!(fd, position, data.length - position);
        expect(stream.pendingBytes).toBe(data.length);
        expect(await stream.digest()).toBe(md5(data));

        const beyond = createMd5({ worker: true });
        beyond.updateFromFile!(fd, data.length - 10, 20); // the file ends first
        await expect(beyond.digest()).rejects.toThrow(/ends before/);
      } finally {
        closeSync(fd);
      }
      const closed = createMd5({ worker: true });
      closed.updateFromFile!(fd, 0, 100);
      await expect(closed.whenPendingAtMost(0)).rejects.toThrow(/reading back the written bytes failed/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("hashes bodies of a known size inline when small, on a worker when large", async () => {
    expect(createMd5({ sizeHint: 4096 }).kind).toBe("inline");
    const large = createMd5({ sizeHint: INLINE_BELOW_BYTES });
    expect(large.kind).toBe("worker");
    large.abort();
    const inline = createMd5({ worker: false });
    inline.update(Buffer.from("abc"));
    expect(await inline.digest()).toBe(md5(Buffer.from("abc")));
  });

  it("hashes a body of unknown size inline while it is small, and moves to a worker once it grows", async () => {
    const small = createMd5();
    expect(small.kind).toBe("adaptive");
    const tiny = randomBytes(1000);
    small.update(tiny);
    expect((small as unknown as { placement: string }).placement).toBe("pending");
    expect(await small.digest()).toBe(md5(tiny));
    expect((small as unknown as { placement: string }).placement).toBe("inline");

    const big = createMd5({ batchBytes: 64 * 1024 });
    const body = randomBytes(INLINE_BELOW_BYTES * 3 + 99);
    const scratch = Buffer.alloc(40_000);
    for (let offset = 0; offset < body.length; offset += scratch.length) {
      const part = body.subarray(offset, offset + scratch.length);
      part.copy(scratch);
      big.update(scratch.subarray(0, part.length));
      scratch.fill(1); // held chunks were copied
    }
    expect((big as unknown as { placement: string }).placement).toBe("worker");
    await big.whenPendingAtMost(0);
    expect(await big.digest()).toBe(md5(body));
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

  it("keeps the process alive only while it has work: a finished or dropped stream lets it exit", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "md5-worker-exit-"));
    try {
      const script = path.join(dir, "script.ts");
      const md5Module = path.join(path.dirname(new URL(import.meta.url).pathname), "md5-worker.ts");
      writeFileSync(
        script,
        `import { createMd5 } from ${JSON.stringify(md5Module)};
// A digest resolves even when nothing but its promise refers to the stream, whatever the GC does.
const pending = (() => {
  const stream = createMd5({ worker: true });
  stream.update(Buffer.alloc(3 * 1024 * 1024, 1));
  return stream.digest();
})();
const collecting = setInterval(() => globalThis.gc(), 1);
pending.then((hex) => {
  clearInterval(collecting);
  console.log("digest", hex);
});
const dropped = createMd5({ worker: true });
dropped.update(Buffer.alloc(2 * 1024 * 1024, 2)); // never digested nor aborted
`,
      );
      const started = Date.now();
      const child = spawnSync(process.execPath, ["--expose-gc", "--import", "tsx", script], { encoding: "utf8", timeout: 30_000 });
      expect(child.stderr).toBe("");
      expect(child.stdout).toMatch(/^digest [0-9a-f]{32}\n$/);
      expect(child.status).toBe(0);
      expect(Date.now() - started).toBeLessThan(30_000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
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
