/**
 * Micro-bench: reading a 64 MiB body from nginx on loopback with undici, as the mirror fetch does,
 * in several ways, and with node:http (its native llhttp parser) for comparison. Prints wall time, this process's CPU time (nginx is another process) and the
 * number of chunks the consumer saw. Variants take turns, round after round, each after a full GC.
 *   node --expose-gc --import tsx bench/micro/origin-read.ts
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import http from "node:http";
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
const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);

function nodeHttpGet(): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => http.get(url, { agent: httpAgent }, resolve).on("error", reject));
}

async function once(highWaterMark: number | undefined, consume: Consumer) {
  gc();
  const cpuStart = process.cpuUsage();
  const start = performance.now();
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
