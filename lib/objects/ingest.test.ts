import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { BadDigest, EntityTooLarge, IncompleteBody } from "@/lib/domain/errors";
import type { BlobWriter } from "@/lib/storage/blob-store";
import { DiskBlobStore } from "@/lib/storage/disk-blob-store";
import { BlobIngest } from "./ingest";

/** A writer in memory that can be made slow or failing. */
function memoryWriter(options: { failAfter?: number; gate?: () => Promise<void> } = {}) {
  const chunks: Buffer[] = [];
  let appends = 0;
  const writer: BlobWriter = {
    name: "memory",
    localFd: null,
    async append(batch) {
      await options.gate?.();
      appends += 1;
      if (options.failAfter !== undefined && appends > options.failAfter) throw Object.assign(new Error("no space"), { code: "ENOSPC" });
      chunks.push(...batch);
    },
    async read(offset, length) {
      return Buffer.concat(chunks).subarray(offset, offset + length);
    },
    async commit() {},
    async discard() {},
    async close() {},
  };
  return { writer, bytes: () => Buffer.concat(chunks), appends: () => appends };
}

const md5 = (data: Buffer) => createHash("md5").update(data).digest("hex");

describe("BlobIngest", () => {
  it("writes every byte in order, batching chunks that arrive while a write is running", async () => {
    let release!: () => void;
    let gate: Promise<void> = new Promise((resolve) => (release = resolve));
    const memory = memoryWriter({ gate: () => gate });
    const ingest = new BlobIngest(memory.writer, 1024);
    const parts = ["ab", "cd", "ef", "gh"].map((text) => Buffer.from(text));
    for (const part of parts) await ingest.append(part);
    release();
    gate = Promise.resolve();
    const result = await ingest.finish({ size: 8, md5: md5(Buffer.from("abcdefgh")) });
    expect(result).toEqual({ size: 8, md5: md5(Buffer.from("abcdefgh")) });
    expect(memory.bytes().toString()).toBe("abcdefgh");
    expect(memory.appends()).toBeLessThan(parts.length); // the chunks behind the first write went in one batch
    expect(ingest.verified).toEqual(result);
  });

  it("refuses a body over the limit, a short body and a wrong digest with typed errors", async () => {
    const tooLarge = new BlobIngest(memoryWriter().writer, 3);
    await expect(tooLarge.append(Buffer.from("abcd"))).rejects.toBeInstanceOf(EntityTooLarge);

    const short = new BlobIngest(memoryWriter().writer, 100);
    await short.append(Buffer.from("abc"));
    await expect(short.finish({ size: 5, md5: null })).rejects.toMatchObject(new IncompleteBody(3, 5));

    const corrupt = new BlobIngest(memoryWriter().writer, 100);
    await corrupt.append(Buffer.from("abc"));
    await expect(corrupt.finish({ size: 3, md5: md5(Buffer.from("abd")) })).rejects.toBeInstanceOf(BadDigest);
    expect(() => corrupt.verified).toThrow(/before the ingest was finished/);
  });

  it("reports a failed write to the source (a full disk), not a short object", async () => {
    const ingest = new BlobIngest(memoryWriter({ failAfter: 0 }).writer, 100);
    await ingest.append(Buffer.from("abc")).catch(() => undefined);
    await expect(ingest.finish({ size: null, md5: null })).rejects.toMatchObject({ code: "ENOSPC" });
  });

  it("takes batches of chunks in order and hashes a large body on the worker to the same MD5", async () => {
    const memory = memoryWriter();
    const body = randomBytes(5 * 1024 * 1024 + 3);
    const ingest = new BlobIngest(memory.writer, body.length, undefined, { sizeHint: null });
    const chunks = Array.from({ length: Math.ceil(body.length / 65536) }, (_, i) => body.subarray(i * 65536, (i + 1) * 65536));
    for (let i = 0; i < chunks.length; i += 16) await ingest.appendBatch(chunks.slice(i, i + 16));
    expect(await ingest.finish({ size: body.length, md5: md5(body) })).toEqual({ size: body.length, md5: md5(body) });
    expect(memory.bytes().equals(body)).toBe(true);
    await ingest.discard();
  });

  it("hashes a large body written to a local file from that file, and still refuses a wrong digest", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "ingest-file-"));
    try {
      const store = new DiskBlobStore(dir);
      await store.init();
      const body = randomBytes(6 * 1024 * 1024 + 5);
      const chunks = Array.from({ length: Math.ceil(body.length / 65536) }, (_, i) => body.subarray(i * 65536, (i + 1) * 65536));
      for (const expected of [md5(body), md5(Buffer.from("other"))]) {
        const writer = await store.createWriter(store.newBlobName(1, "k"));
        expect(writer.localFd).not.toBeNull();
        const ingest = new BlobIngest(writer, body.length, undefined, { sizeHint: body.length });
        expect((ingest as unknown as { hashFromFile: boolean }).hashFromFile).toBe(true);
        for (let i = 0; i < chunks.length; i += 16) await ingest.appendBatch(chunks.slice(i, i + 16));
        const finished = ingest.finish({ size: body.length, md5: expected });
        if (expected === md5(body)) expect(await finished).toEqual({ size: body.length, md5: md5(body) });
        else await expect(finished).rejects.toBeInstanceOf(BadDigest);
        await ingest.discard();
      }
      expect(await store.listUnfinished()).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("refuses a batch that crosses the limit", async () => {
    const ingest = new BlobIngest(memoryWriter().writer, 10);
    await expect(ingest.appendBatch([Buffer.alloc(6), Buffer.alloc(6)])).rejects.toBeInstanceOf(EntityTooLarge);
    await ingest.discard();
  });

  it("discard releases the writer and the hash, before or after a finish", async () => {
    let discarded = 0;
    const memory = memoryWriter();
    memory.writer.discard = async () => {
      discarded += 1;
    };
    const abandoned = new BlobIngest(memory.writer, 1 << 30, undefined, { sizeHint: 64 * 1024 * 1024 });
    await abandoned.append(randomBytes(2 * 1024 * 1024));
    await abandoned.discard();
    await expect(abandoned.finish({ size: null, md5: null })).rejects.toThrow(/aborted|finished/);

    const finished = new BlobIngest(memory.writer, 100);
    await finished.append(Buffer.from("abc"));
    await finished.finish({ size: 3, md5: null });
    await finished.discard();
    expect(discarded).toBe(2);
  });
});
