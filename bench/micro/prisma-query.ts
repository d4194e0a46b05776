/**
 * Micro-bench: what one database query costs the miss path on the embedded default (SQLite). A GET
 * miss makes three before its first byte (the object's row, its fetch lease taken, the row again
 * under the lease: lib/origin/cluster-flight.ts). Each is measured through the app's Prisma client
 * (createPrismaClient: the driver adapter of lib/db/sqlite-adapter.ts, WAL), as the app's direct
 * statements run them on that client's adapter (lib/db/direct-sql.ts: what the app does
 * for these statements), and as the same statement prepared once and run on better-sqlite3 directly (leases
 * without an fsync on all sides, as the app writes them). Prints the median wall time and the CPU
 * time (all threads) per query.
 *   npx tsx bench/micro/prisma-query.ts [--n=2000]
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import Database from "better-sqlite3";

const n = Number(process.argv.find((arg) => arg.startsWith("--n="))?.slice(4) ?? 2000);
const dir = mkdtempSync(path.join(os.tmpdir(), "bos-micro-prisma-"));
process.env.DATA_DIR = dir;
process.env.DATABASE_URL = `file:${path.join(dir, "app.db")}`;
const { applyMigrations } = await import("@/lib/db/migrate");
const { createPrismaClient } = await import("@/lib/db/create-client");
const { directSql } = await import("@/lib/db/direct-sql");
const { PrismaObjectRepository } = await import("@/lib/objects/object-repository");
const { PrismaFetchLeases } = await import("@/lib/fleet/fetch-leases");
const { env } = await import("@/lib/env");

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** Runs `query` n times (after n/10 to warm up): median wall µs and mean CPU µs per call. */
async function measure(query: (i: number) => unknown): Promise<{ wall: number; cpu: number }> {
  for (let i = 0; i < n / 10; i++) await query(i);
  const walls: number[] = [];
  const cpu = process.cpuUsage();
  for (let i = 0; i < n; i++) {
    const start = performance.now();
    await query(i);
    walls.push((performance.now() - start) * 1000);
  }
  const used = process.cpuUsage(cpu);
  return { wall: median(walls), cpu: (used.user + used.system) / n };
}

try {
  await applyMigrations();
  const db = createPrismaClient(env().database);
  const bucket = await db.bucket.create({ data: { name: "bench", zoneType: "SINGLE_AZ", defaultStorageClass: "STANDARD" } });
  await db.storedObject.create({ data: { bucketId: bucket.id, key: "stored", size: 1n, etag: "0".repeat(32), blobName: "x", storageClass: "STANDARD" } });
  const repository = new PrismaObjectRepository(() => db);
  const leases = new PrismaFetchLeases(() => db, { id: "bench", leaseMs: 30_000, now: () => new Date() });
  // Connected before measuring, as in the app.
  await directSql(db).query("SELECT 1", []);
  const raw = new Database(path.join(dir, "app.db"));
  // As the app's lease writes run (lib/db/sqlite-adapter.ts): commits without an fsync.
  raw.pragma("synchronous = NORMAL");
  const findRow = raw.prepare('SELECT * FROM "StoredObject" WHERE "bucketId" = ? AND "key" = ?');
  const insertLease = raw.prepare('INSERT INTO "FetchLease" ("bucketId", "key", "owner", "token", "expiresAt", "superseded") VALUES (?, ?, ?, ?, ?, 0)');
  const deleteLease = raw.prepare('DELETE FROM "FetchLease" WHERE "bucketId" = ? AND "key" = ?');

  const rows: [string, { wall: number; cpu: number }][] = [
    ["Prisma: the object's row (findUnique, absent)", await measure((i) => db.storedObject.findUnique({ where: { bucketId_key: { bucketId: bucket.id, key: `absent-${i}` } } }))],
    ["Prisma: the object's row (findUnique, present)", await measure(() => db.storedObject.findUnique({ where: { bucketId_key: { bucketId: bucket.id, key: "stored" } } }))],
    [
      "Prisma: a lease taken and given up (create + deleteMany)",
      await measure(async (i) => {
        await db.fetchLease.create({ data: { bucketId: bucket.id, key: `k${i}`, owner: "bench", token: "t", expiresAt: new Date(), outcome: null, reason: null, superseded: false } });
        await db.fetchLease.deleteMany({ where: { bucketId: bucket.id, key: `k${i}`, token: "t" } });
      }),
    ],
    ["Direct statement on the client's adapter: the object's row (PrismaObjectRepository.find, absent)", await measure((i) => repository.find(bucket.id, `absent-${i}`))],
    ["Direct statement on the client's adapter: the object's row (PrismaObjectRepository.find, present)", await measure(() => repository.find(bucket.id, "stored"))],
    [
      "Direct statements on the client's adapter: a lease taken and given up (PrismaFetchLeases)",
      await measure(async (i) => {
        const lease = await leases.acquire(bucket.id, `d${i}`);
        await leases.release(bucket.id, `d${i}`, lease!.token, null);
      }),
    ],
    ["better-sqlite3, prepared once: the object's row", await measure(() => findRow.get(bucket.id, "stored"))],
    [
      "better-sqlite3, prepared once: a lease taken and given up (two commits, no fsync, as the app's)",
      await measure((i) => {
        insertLease.run(bucket.id, `r${i}`, "bench", "t", Date.now());
        deleteLease.run(bucket.id, `r${i}`);
      }),
    ],
  ];
  raw.close();
  await db.$disconnect();
  console.log(`${n} calls each after ${n / 10} to warm up; load average ${os.loadavg().map((v) => v.toFixed(2)).join(", ")}.\n`);
  console.log("| query | wall, median µs | CPU per call, µs (all threads) |\n|---|---|---|");
  for (const [name, { wall, cpu }] of rows) console.log(`| ${name} | ${wall.toFixed(0)} | ${cpu.toFixed(0)} |`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
