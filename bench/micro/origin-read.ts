/**
 * Micro-bench: reading a 64 MiB body from nginx on loopback with undici, as the mirror fetch does,
 * in several ways, and with node:http (its native llhttp parser) for comparison. Prints wall time, this process's CPU time (nginx is another process) and the
 * number of chunks the consumer saw. Variants take turns, round after round, each after a full GC.
 * Two lower bounds close the table: a bare socket with `onread` (Node reads into memory it is given:
 * no Buffer allocated per read) into one reused 16 MiB ring, and the same with each read copied out
 * of a reused 256 KiB buffer. They parse only a Content-Length head: not a client, the cost of
 * moving the bytes without allocating (what an origin reader that owned its buffers could reach).
 *   node --expose-gc --import tsx bench/micro/origin-read.ts
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import http from "node:http";
import net from "node:net";
import { performance } from "node:perf_hooks";
import { Agent, request } from "undici";
import { readBatches } from "@/lib/origin/read-batches";
import { startNginx } from "../support/nginx";

const MiB = 1024 * 1024;
const work = mkdtempSync(path.join(os.tmpdir(), "bos-micro-origin-"));
writeFileSync(path.join(work, "big64.bin"), randomBytes(64 * MiB));
const nginx = await startNginx(work, Number(process.argv.find((arg) => arg.startsWith("--port="))?.slice(7) ?? 3391), work);
const url = `${nginx.url}/quiet/big64.bin`;
const agent = new Agent();
const httpAgent = new http.Agent({ keepAlive: true });
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

type Consumer = (body: import("node:stream").Readable) => Promise<number>;

const forAwait: Consumer = async (body) => {
  let chunks = 0;
  for await (const _chunk of body) chunks++;
  return chunks;
};
const onData: Consumer = (body) =>
  new Promise((resolve, reject) => {
    let chunks = 0;
    body.on("data", () => chunks++);
    body.on("end", () => resolve(chunks));
    body.on("error", reject);
  });
const batched =
  (maxBytes: number): Consumer =>
  async (body) => {
    let batches = 0;
    for await (const _batch of readBatches(body, { maxBytes })) batches++;
    return batches;
  };

const variants: [string, number | undefined, Consumer][] = [
  ["for await, highWaterMark 64 KiB (default)", undefined, forAwait],
  ["for await, highWaterMark 1 MiB", MiB, forAwait],
  ["'data' events, highWaterMark 64 KiB", undefined, onData],
  ["readBatches ≤ 1 MiB, highWaterMark 64 KiB", undefined, batched(MiB)],
  ["readBatches ≤ 1 MiB, highWaterMark 1 MiB", MiB, batched(MiB)],
  ["readBatches ≤ 4 MiB, highWaterMark 4 MiB", 4 * MiB, batched(4 * MiB)],
];
const NODE_HTTP = -1;
variants.push(
  ["node:http, 'data' events", NODE_HTTP, onData],
  ["node:http, readBatches ≤ 1 MiB", NODE_HTTP, batched(MiB)],
);
/** Bare-socket lower bounds (see the top): not a Consumer of an undici body, so marked apart. */
const RAW_RING = -2;
const RAW_COPY = -3;
variants.push(["bare socket, onread straight into a reused 16 MiB ring (lower bound)", RAW_RING, forAwait], ["bare socket, onread, copied into the ring (lower bound)", RAW_COPY, forAwait]);
const ring = Buffer.allocUnsafe(16 * MiB);
const readBuffer = Buffer.allocUnsafe(256 * 1024);
const READ = 256 * 1024;

/** GET over a bare socket; resolves with the number of reads once Content-Length body bytes arrived. */
function rawGet(direct: boolean): Promise<number> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    let head = "";
    let bodyLength = -1;
    let received = 0;
    let reads = 0;
    let at = 0;
    const nextRegion = () => {
      if (at + READ > ring.length) at = 0;
      return ring.subarray(at, at + READ);
    };
    const socket = net.connect({
      host: target.hostname,
      port: Number(target.port),
      onread: {
        buffer: direct ? nextRegion : readBuffer,
        callback(nread: number, buffer: Buffer) {
          reads++;
          let from = 0;
          if (bodyLength < 0) {
            head += buffer.toString("latin1", 0, nread);
            const end = head.indexOf("\r\n\r\n");
            if (end < 0) return true;
            bodyLength = Number(/content-length: *(\d+)/i.exec(head.slice(0, end))?.[1] ?? NaN);
            from = nread - (head.length - end - 4);
          }
          if (direct) at += nread;
          else {
            if (at + nread - from > ring.length) at = 0;
            at += buffer.copy(ring, at, from, nread);
          }
          received += nread - from;
          if (received >= bodyLength) {
            socket.destroy();
            resolve(reads);
          }
          return true;
        },
      },
    } as net.NetConnectOpts);
    socket.on("connect", () => socket.write(`GET ${target.pathname} HTTP/1.1\r\nHost: ${target.host}\r\nConnection: close\r\n\r\n`));
    socket.on("error", reject);
  });
}

const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);

function nodeHttpGet(): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => http.get(url, { agent: httpAgent }, resolve).on("error", reject));
}

async function once(highWaterMark: number | undefined, consume: Consumer) {
  gc();
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  if (highWaterMark === RAW_RING || highWaterMark === RAW_COPY) {
    const reads = await rawGet(highWaterMark === RAW_RING);
    const used = process.cpuUsage(cpuStart);
    return { wall: performance.now() - start, cpu: (used.user + used.system) / 1000, chunks: reads };
  }
  const body = highWaterMark === NODE_HTTP ? await nodeHttpGet() : (await request(url, { dispatcher: agent, highWaterMark })).body;
  const chunks = await consume(body);
  const used = process.cpuUsage(cpuStart);
  return { wall: performance.now() - start, cpu: (used.user + used.system) / 1000, chunks };
}

try {
  for (const [, hwm, consume] of variants) await once(hwm, consume); // warm-up
  const results = variants.map(() => [] as Awaited<ReturnType<typeof once>>[]);
  for (let round = 0; round < 9; round++) {
    for (const [index, [, hwm, consume]] of variants.entries()) results[index]!.push(await once(hwm, consume));
  }
  console.log(`${(globalThis as { gc?: unknown }).gc ? "" : "(run with --expose-gc for a full GC before each round)\n"}`);
  console.log("| undici request, 64 MiB from nginx (median of 9) | wall | CPU (this process) | chunks or batches seen |\n|---|---|---|---|");
  for (const [index, [label]] of variants.entries()) {
    const list = results[index]!;
    console.log(`| ${label} | ${median(list.map((r) => r.wall)).toFixed(1)} ms | ${median(list.map((r) => r.cpu)).toFixed(1)} ms | ${list[0]!.chunks} |`);
  }
} finally {
  await agent.close();
  httpAgent.destroy();
  await nginx.stop();
  rmSync(work, { recursive: true, force: true });
}
