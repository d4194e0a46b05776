/**
 * Which fetch-lease writes commit without an fsync, through the app's own adapter (lib/db/adapter.ts,
 * SQLITE_UNSYNCED_TABLES) and model (lib/fleet/fetch-leases.ts) on the migrated database: taking a
 * free lease (an INSERT alone) and giving one up (a DELETE alone) run between `synchronous = NORMAL`
 * and `synchronous = FULL`; taking over an expired one and recording an outcome are UPDATEs, which
 * Prisma sends inside BEGIN … COMMIT, so they sync, as does every write to another table.
 * SQLite only (PostgreSQL's commits are not changed).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { databaseAdapter } from "@/lib/db/adapter";
import { env } from "@/lib/env";
import { PrismaFetchLeases } from "@/lib/fleet/fetch-leases";
import { createClientOn } from "@/lib/db/create-client";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { recordingAdapter } from "../support/recorded-sqlite";
import { testDatabaseKind } from "../support/test-databases";

const NORMAL = "PRAGMA synchronous = NORMAL";
const FULL = "PRAGMA synchronous = FULL";

describe.skipIf(testDatabaseKind() !== "sqlite")("fetch-lease writes on SQLite", () => {
  const statements: string[] = [];
  // Made in beforeAll: the body of a skipped describe still runs (to collect its tests), and on
  // PostgreSQL this SQLite client cannot even be constructed.
  let db: PrismaClient;
  beforeAll(() => {
    db = createClientOn("sqlite", recordingAdapter(databaseAdapter(env().database), statements));
  });
  afterAll(() => db?.$disconnect());
  let clock = Date.now();
  const leases = new PrismaFetchLeases(() => db, { id: "instance-a", leaseMs: 30_000, now: () => new Date(clock) });
  /** The statements `action` ran, each with whether it ran between NORMAL and FULL. */
  async function recorded(action: () => Promise<unknown>): Promise<{ sql: string; unsynced: boolean }[]> {
    statements.length = 0;
    await action();
    let unsynced = false;
    const seen: { sql: string; unsynced: boolean }[] = [];
    for (const sql of statements) {
      if (sql === NORMAL) unsynced = true;
      else if (sql === FULL) unsynced = false;
      else seen.push({ sql, unsynced });
    }
    return seen;
  }
  const writes = (seen: { sql: string; unsynced: boolean }[], table: string) => seen.filter(({ sql }) => /^(INSERT|UPDATE|DELETE)/.test(sql) && new RegExp(`[\`"]${table}[\`"]`).test(sql));

  it("takes and gives up a free lease without an fsync, and syncs takeovers, outcomes and other tables", async () => {
    const bucket = await db.bucket.create({ data: { name: "lease-sync", zoneType: "SINGLE_AZ", defaultStorageClass: "STANDARD" } });

    let token = "";
    const taken = await recorded(async () => (token = (await leases.acquire(bucket.id, "k"))!.token));
    expect(writes(taken, "FetchLease")).toEqual([{ sql: expect.stringMatching(/^INSERT INTO "FetchLease"/), unsynced: true }]);
    const given = await recorded(() => leases.release(bucket.id, "k", token, null));
    expect(writes(given, "FetchLease")).toEqual([{ sql: expect.stringMatching(/^DELETE FROM "FetchLease"/), unsynced: true }]);
    expect(await db.fetchLease.count({ where: { bucketId: bucket.id } })).toBe(0);

    // A lease that ends with an outcome, then is taken again once expired: UPDATEs, synced.
    token = (await leases.acquire(bucket.id, "k"))!.token;
    const ended = await recorded(() => leases.release(bucket.id, "k", token, { outcome: "missing", reason: "[]" }));
    expect(writes(ended, "FetchLease")).toEqual([{ sql: expect.stringMatching(/^UPDATE `main`\.`FetchLease`/), unsynced: false }]);
    expect(ended.map(({ sql }) => sql)).toContain("COMMIT");
    clock += 60_000;
    const takenOver = await recorded(() => leases.acquire(bucket.id, "k"));
    expect(writes(takenOver, "FetchLease").map(({ sql, unsynced }) => [sql.split(" ")[0], unsynced])).toEqual([
      ["INSERT", true], // refused: the key is taken (its failure is not a commit)
      ["UPDATE", false],
    ]);

    // Any other table's write syncs.
    const other = await recorded(() => db.bucket.update({ where: { id: bucket.id }, data: { acl: "public-read" } }));
    expect(other.every(({ unsynced }) => !unsynced)).toBe(true);
    expect(statements).not.toContain(NORMAL);
  });
});
