/**
 * Micro-bench: the fsync before a commit. A 64 MiB temp file written in 1 MiB batches at about the
 * rate an origin on loopback delivers (1 MiB every 2 ms), then fsynced: with the fsync only at the
 * end (today), vs a datasync started in the background every N MiB written (so the final fsync
 * only has the tail left). Prints the time from the last write to the end of the final fsync
 * (what the last byte of a mirror miss waits for) and the total.
 *   npx tsx bench/micro/fsync-overlap.ts
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { open } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { WritebackSync } from "@/lib/storage/writeback-sync";

const MiB = 1024 * 1024;
const dir = mkdtempSync(path.join(os.tmpdir(), "bos-micro-fsync-"));
const batch = randomBytes(MiB);
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function once(everyBytes: number | null): Promise<{ tail: number; total: number }> {
  const file = path.join(dir, `t-${Math.random()}`);
  const handle = await open(file, "wx+");
  const sync = everyBytes === null ? null : new WritebackSync(handle, { everyBytes });
  const start = performance.now();
  for (let i = 0; i < 64; i++) {
    await handle.write(batch, 0, MiB, i * MiB);
    sync?.wrote(MiB);
    await sleep(2);
  }
  const last = performance.now();
  if (sync) await sync.finish();
  else await handle.sync();
  const end = performance.now();
  await handle.close();
  rmSync(file);
  return { tail: end - last, total: end - start };
}

try {
  console.log("| 64 MiB temp file, 1 MiB writes every ~2 ms (median of 7) | last write → fsynced | total |\n|---|---|---|");
  for (const [label, every] of [
    ["fsync at the end only (today)", null],
    ["datasync in the background every 4 MiB", 4 * MiB],
    ["datasync in the background every 8 MiB", 8 * MiB],
    ["datasync in the background every 16 MiB", 16 * MiB],
  ] as const) {
    const results = [];
    for (let round = 0; round < 7; round++) results.push(await once(every));
    console.log(`| ${label} | ${median(results.map((r) => r.tail)).toFixed(1)} ms | ${median(results.map((r) => r.total)).toFixed(1)} ms |`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
