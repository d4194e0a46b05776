/**
 * Micro-bench: writing a 64 MiB body (held as 64 KiB chunks, as it comes from an origin socket)
 * to curl on loopback, chunk by chunk as today vs in corked batches (lib/http/send-batches.ts).
 * Prints curl's time to last byte and this process's CPU time.
 *   npx tsx bench/micro/client-write.ts
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createServer, type ServerResponse } from "node:http";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { promisify } from "node:util";
import { sendBatches } from "@/lib/http/send-batches";

const MiB = 1024 * 1024;
const CHUNK = 64 * 1024;
const body = randomBytes(64 * MiB);
const chunks = Array.from({ length: body.length / CHUNK }, (_, i) => body.subarray(i * CHUNK, (i + 1) * CHUNK));
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const run = promisify(execFile);

async function* oneByOne() {
  for (const chunk of chunks) yield chunk;
}
async function* inBatches(size: number) {
  for (let i = 0; i < chunks.length; i += size) yield chunks.slice(i, i + size);
}
async function* concatenated(size: number) {
  for (let i = 0; i < chunks.length; i += size) yield Buffer.concat(chunks.slice(i, i + size));
}

const variants: Record<string, (res: ServerResponse) => Promise<void>> = {
  "pipeline(Readable.from(chunks)) — today": (res) => pipeline(Readable.from(oneByOne()), res),
  "sendBatches, one chunk per write": (res) => sendBatches(res, oneByOne()),
  "sendBatches, 16 chunks (1 MiB) corked per writev": (res) => sendBatches(res, inBatches(16)),
  "sendBatches, 64 chunks (4 MiB) corked per writev": (res) => sendBatches(res, inBatches(64)),
  "Buffer.concat to 1 MiB, one write each": (res) => sendBatches(res, concatenated(16)),
};

let current = "";
let cpuDuring = 0;
const server = createServer((_req, res) => {
  const start = process.cpuUsage();
  res.writeHead(200, { "content-length": body.length });
  variants[current]!(res)
    .catch(() => res.destroy())
    .finally(() => {
      const used = process.cpuUsage(start);
      cpuDuring = (used.user + used.system) / 1000;
    });
});
await new Promise<void>((resolve) => server.listen(3392, "127.0.0.1", resolve));

console.log("| 64 MiB to curl (median of 9) | curl time to last byte | server CPU |\n|---|---|---|");
for (const [index, name] of [Object.keys(variants)[0]!, ...Object.keys(variants)].entries()) {
  current = name;
  const times: number[] = [];
  const cpu: number[] = [];
  for (let round = 0; round < 9; round++) {
    const { stdout } = await run("curl", ["-s", "-o", "/dev/null", "-w", "%{time_total} %{size_download}", "http://127.0.0.1:3392/"]);
    const [total, size] = stdout.split(" ").map(Number);
    if (size !== body.length) throw new Error(`${name}: got ${size} bytes`);
    times.push(total! * 1000);
    await new Promise((resolve) => setTimeout(resolve, 20));
    cpu.push(cpuDuring);
  }
  if (index > 0) console.log(`| ${name} | ${median(times).toFixed(1)} ms | ${median(cpu).toFixed(1)} ms |`);
}
server.close();
