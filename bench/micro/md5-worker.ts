/**
 * Micro-bench: MD5 of a 64 MiB body fed in 64 KiB chunks (the origin's socket reads), inline with
 * createHash vs lib/objects/md5-worker.ts. Prints main-thread time spent in update() (what the event
 * loop pays) and the time from the last update to the digest (what the last byte waits for).
 *   npx tsx bench/micro/md5-worker.ts
 */
import { createHash, randomBytes } from "node:crypto";
import { performance } from "node:perf_hooks";
import { closeMd5Workers, createMd5 } from "@/lib/objects/md5-worker";

const MiB = 1024 * 1024;
const data = randomBytes(64 * MiB);
const CHUNK = 64 * 1024;
const chunks = Array.from({ length: data.length / CHUNK }, (_, i) => data.subarray(i * CHUNK, (i + 1) * CHUNK));
const expected = createHash("md5").update(data).digest("hex");
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

/** interleave: one chunk per event-loop turn, waiting when 4 MiB are pending (as an ingest feeds it). */
async function run(label: string, make: () => ReturnType<typeof createMd5>, interleave: boolean) {
  const inUpdate: number[] = [];
  const tail: number[] = [];
  const total: number[] = [];
  for (let round = 0; round < 7; round++) {
    const stream = make();
    const start = performance.now();
    let busy = 0;
    for (const chunk of chunks) {
      const t = performance.now();
      stream.update(chunk);
      busy += performance.now() - t;
      if (interleave) {
        await stream.whenPendingAtMost(4 * MiB);
        await tick();
      }
    }
    const last = performance.now();
    const hex = await stream.digest();
    if (hex !== expected) throw new Error(`${label}: wrong digest`);
    inUpdate.push(busy);
    tail.push(performance.now() - last);
    total.push(performance.now() - start);
  }
  console.log(
    `| ${label} | ${median(inUpdate).toFixed(1)} ms | ${median(tail).toFixed(1)} ms | ${median(total).toFixed(1)} ms |`,
  );
}

// A plain copy of 64 MiB into one reused buffer: the floor for any hand-over to another thread.
const scratch = Buffer.allocUnsafe(MiB);
const copies: number[] = [];
for (let round = 0; round < 7; round++) {
  const t = performance.now();
  for (const chunk of chunks) chunk.copy(scratch, (chunk.byteOffset % MiB) % (MiB - CHUNK + 1));
  copies.push(performance.now() - t);
}
console.log(`memcpy of 64 MiB in 64 KiB chunks into a reused buffer: ${median(copies).toFixed(1)} ms\n`);
console.log("| variant (64 MiB, 64 KiB chunks, median of 7) | main thread in update() | last update → digest | total |\n|---|---|---|---|");
await run("inline createHash, back to back", () => createMd5({ worker: false }), false);
await run("inline createHash, one chunk per event-loop turn", () => createMd5({ worker: false }), true);
await run("worker 1 MiB batches, back to back (cold buffers)", () => createMd5({ worker: true }), false);
await run("worker 1 MiB batches, one chunk per turn, ≤ 4 MiB pending", () => createMd5({ worker: true }), true);
await run("worker 256 KiB batches, one chunk per turn, ≤ 4 MiB pending", () => createMd5({ worker: true, batchBytes: 256 * 1024 }), true);
await run("worker 4 MiB batches, one chunk per turn, ≤ 4 MiB pending", () => createMd5({ worker: true, batchBytes: 4 * MiB }), true);
await closeMd5Workers();
