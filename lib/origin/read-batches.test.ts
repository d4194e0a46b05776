import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { PassThrough, Readable } from "node:stream";
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readBatches } from "./read-batches";

const concat = (batches: Buffer[][]) => Buffer.concat(batches.flat());

describe("readBatches", () => {
  it("hands over every chunk, in order, without copying, in batches of at most maxBytes (+ one chunk)", async () => {
    const chunks = Array.from({ length: 100 }, () => randomBytes(10_000));
    const batches: Buffer[][] = [];
    for await (const batch of readBatches(Readable.from(chunks), { maxBytes: 35_000 })) batches.push(batch);
    expect(batches.flat()).toHaveLength(100);
    batches.flat().forEach((chunk, i) => expect(chunk).toBe(chunks[i]));
    expect(Math.max(...batches.map((b) => b.reduce((n, c) => n + c.length, 0)))).toBeLessThanOrEqual(40_000);
    expect(batches.length).toBeLessThan(100);
  });

  it("hands the first chunk over at once, then collects the chunks of one turn of the event loop into one batch", async () => {
    const stream = new PassThrough();
    const iterator = readBatches(stream, { maxBytes: 1 << 20 })[Symbol.asyncIterator]();
    const first = iterator.next();
    stream.write(Buffer.alloc(10));
    expect((await first).value).toHaveLength(1);
    const second = iterator.next();
    for (let i = 0; i < 5; i++) stream.write(Buffer.alloc(1000, i));
    expect((await second).value).toHaveLength(5);
    stream.end(Buffer.alloc(10));
    expect((await iterator.next()).value).toHaveLength(1);
    expect((await iterator.next()).done).toBe(true);
  });

  it("pauses the source while a full batch waits for the consumer", async () => {
    const stream = new PassThrough({ highWaterMark: 1024 });
    const iterator = readBatches(stream, { maxBytes: 4096 })[Symbol.asyncIterator]();
    const first = iterator.next();
    let accepted = 0;
    while (stream.write(Buffer.alloc(1024)) && accepted < 100) accepted++;
    await first; // a full batch went out; the stream is paused until the consumer comes back
    for (let i = 0; i < 20; i++) stream.write(Buffer.alloc(1024));
    await new Promise((resolve) => setImmediate(resolve));
    expect(stream.isPaused()).toBe(true);
    expect(stream.writableNeedDrain).toBe(true);
    stream.end();
    let bytes = 0;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) bytes += next.value.reduce((n, c) => n + c.length, 0);
    expect(bytes).toBeGreaterThan(0);
  });

  it("throws the stream's error, and a close without an end", async () => {
    const failing = new PassThrough();
    const seen: Buffer[][] = [];
    const reading = (async () => {
      for await (const batch of readBatches(failing)) seen.push(batch);
    })();
    failing.write(Buffer.from("abc"));
    setTimeout(() => failing.destroy(new Error("origin reset")), 5);
    await expect(reading).rejects.toThrow("origin reset");

    const closing = new PassThrough();
    const closed = (async () => {
      for await (const _batch of readBatches(closing));
    })();
    setTimeout(() => closing.destroy(), 5);
    await expect(closed).rejects.toThrow(/closed before its end/);
  });

  it("destroys the stream when the consumer stops early", async () => {
    const stream = Readable.from([Buffer.from("a"), Buffer.from("b"), Buffer.from("c")]);
    for await (const _batch of readBatches(stream)) break;
    expect(stream.destroyed).toBe(true);
  });

  describe("on an undici body", () => {
    let server: Server;
    const body = randomBytes(8 * 1024 * 1024 + 5);
    beforeAll(async () => {
      server = createServer((_req, res) => {
        res.writeHead(200, { "content-length": body.length });
        res.end(body);
      });
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it("reads the whole body in far fewer batches than socket reads", async () => {
      const { port } = server.address() as AddressInfo;
      const response = await request(`http://127.0.0.1:${port}/`, { highWaterMark: 1024 * 1024 });
      const batches: Buffer[][] = [];
      for await (const batch of readBatches(response.body, { maxBytes: 1024 * 1024 })) batches.push(batch);
      expect(concat(batches).equals(body)).toBe(true);
      expect(batches.length).toBeLessThan(batches.flat().length);
    });
  });
});
