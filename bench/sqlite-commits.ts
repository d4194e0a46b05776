/**
 * What one write costs the event loop on SQLite, through the app's own adapter
 * (lib/db/sqlite-adapter.ts), on the data directory's disk: a write outside a transaction (the
 * kind a fetch lease or a write-journal entry is) in the rollback journal (the old mode) and in WAL
 * mode, both with synchronous=FULL, one at a time; then 16 at once in WAL mode, which share a
 * COMMIT (group commit). Alternating rounds, medians with ranges, and the load.
 *
 *   npx tsx bench/sqlite-commits.ts [-- --writes=200 --rounds=5 --dir=/tmp]
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { sqliteAdapter, type SqliteJournalMode } from "@/lib/db/sqlite-adapter";
import { PrismaClient } from "@/lib/generated/prisma/client";

const arg = (name: string, fallback: string) => process.argv.find((value) => value.startsWith(`--${name}=`))?.split("=")[1] ?? fallback;
const WRITES = Number(arg("writes", "200"));
const ROUNDS = Number(arg("rounds", "5"));
const work = mkdtempSync(path.join(arg("dir", os.tmpdir()), "sqlite-commits-"));

/** Milliseconds per write: `WRITES` inserts, `atOnce` of them issued together at a time. */
async function perWrite(mode: SqliteJournalMode, atOnce: number, round: number): Promise<number> {
  const file = path.join(work, `${mode}-${atOnce}-${round}.db`);
  const db = new PrismaClient({ adapter: sqliteAdapter({ url: `file:${file}`, journalMode: mode }) });
  await db.$executeRawUnsafe("CREATE TABLE lease (key TEXT PRIMARY KEY, token TEXT NOT NULL)");
  const started = performance.now();
  for (let i = 0; i < WRITES; i += atOnce) {
    await Promise.all(Array.from({ length: atOnce }, (_, j) => db.$executeRawUnsafe("INSERT INTO lease VALUES (?, ?)", `key-${i + j}`, "token")));
  }
  const ms = (performance.now() - started) / WRITES;
  await db.$disconnect();
  return ms;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const cases = [
  { name: "rollback journal, one write at a time", mode: "delete" as const, atOnce: 1 },
  { name: "WAL, one write at a time", mode: "wal" as const, atOnce: 1 },
  { name: "WAL, 16 writes at once (one COMMIT)", mode: "wal" as const, atOnce: 16 },
];
const loadAtStart = os.loadavg();
const results = cases.map(() => [] as number[]);
try {
  for (let round = 0; round < ROUNDS; round++) {
    for (const [index, { mode, atOnce }] of cases.entries()) results[index]!.push(await perWrite(mode, atOnce, round));
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
const reference = median(results[0]!);
console.log(`SQLite writes outside a transaction, synchronous=FULL, ${WRITES} per case, ${ROUNDS} alternating rounds, in ${arg("dir", os.tmpdir())}`);
console.log("| case | ms per write, median (range) | vs rollback journal |\n|---|---|---|");
for (const [index, { name }] of cases.entries()) {
  const values = results[index]!;
  console.log(`| ${name} | ${median(values).toFixed(2)} (${Math.min(...values).toFixed(2)}-${Math.max(...values).toFixed(2)}) | ${(reference / median(values)).toFixed(1)}x |`);
}
const load = (values: number[]) => values.map((value) => value.toFixed(1)).join(" ");
console.log(`load average at start / end: ${load(loadAtStart)} / ${load(os.loadavg())} (${os.cpus().length} cores)`);
