import { randomBytes } from "node:crypto";
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Writable } from "node:stream";
import { request } from "undici";
import { describe, expect, it } from "vitest";
import { ResponseClosed, sendBatches, writeBatch } from "./send-batches";

async function* batchesOf(chunks: Buffer[], size: number) {
  for (let i = 0; i < chunks.length; i += size) yield chunks.slice(i, i + size);
}

/** A writable that records each write call's size (writev counts as one) and can be made slow. */
function recorder(highWaterMark = 1 << 20) {
  const calls: number[] = [];
  const out = new Writable({
    highWaterMark,
    write(chunk: Buffer, _encoding, callback) {
      calls.push(chunk.length);
      setImmediate(callback);
    },
    writev(chunks, callback) {
      calls.push(chunks.reduce((n, { chunk }) => n + (chunk as Buffer).length, 0));
      setImmediate(callback);
    },
  });
  return { out, calls };
}

describe("writeBatch", () => {
  it("gives a corked batch to the writable as one writev", () => {
    const { out, calls } = recorder();
    writeBatch(out, [Buffer.alloc(10), Buffer.alloc(20), Buffer.alloc(30)]);
    expect(calls).toEqual([60]);
  });
});

describe("sendBatches", () => {
  it("writes every byte in order and ends the writable, waiting for drain", async () => {
    const chunks = Array.from({ length: 64 }, () => randomBytes(64 * 1024));
    const { out, calls } = recorder(256 * 1024);
    const received: Buffer[] = [];
    const original = out._writev!.bind(out);
    out._writev = (items, callback) => {
      for (const { chunk } of items) received.push(chunk as Buffer);
      original(items, callback);
    };
    const originalWrite = out._write.bind(out);
    out._write = (chunk, encoding, callback) => {
      received.push(chunk as Buffer);
      originalWrite(chunk, encoding, callback);
    };
    await sendBatches(out, batchesOf(chunks, 16));
    expect(out.writableFinished).toBe(true);
    expect(Buffer.concat(received).equals(Buffer.concat(chunks))).toBe(true);
    expect(calls.length).toBeLessThan(chunks.length);
  });

  it("throws ResponseClosed and stops the source when the writable goes away", async () => {
    const { out } = recorder(1024);
    let stopped = false;
    async function* endless() {
      try {
        for (;;) yield [Buffer.alloc(4096)];
      } finally {
        stopped = true;
      }
    }
    setTimeout(() => out.destroy(), 5);
    await expect(sendBatches(out, endless())).rejects.toBeInstanceOf(ResponseClosed);
    expect(stopped).toBe(true);
  });

  it("leaves the writable open when the source fails (the caller destroys it: a broken transfer)", async () => {
    const { out } = recorder();
    async function* failing() {
      yield [Buffer.from("part")];
      throw new Error("origin failed");
    }
    await expect(sendBatches(out, failing())).rejects.toThrow("origin failed");
    expect(out.writableEnded).toBe(false);
  });

  it("serves an HTTP response that a client reads in full", async () => {
    const body = randomBytes(3 * 1024 * 1024 + 1);
    const chunks = Array.from({ length: Math.ceil(body.length / 65536) }, (_, i) => body.subarray(i * 65536, (i + 1) * 65536));
    const server = createServer((_req, res: ServerResponse) => {
      res.writeHead(200, { "content-length": body.length });
      void sendBatches(res, batchesOf(chunks, 16)).catch(() => res.destroy());
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const response = await request(`http://127.0.0.1:${port}/`);
      expect(Buffer.from(await response.body.arrayBuffer()).equals(body)).toBe(true);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
