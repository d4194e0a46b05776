/**
 * A failed COMMIT must not wedge the database client: with Prisma's adapter as shipped, the next
 * transaction waits forever (prisma/orm#29933). SQLITE_BUSY at COMMIT is provoked for real: a
 * second connection holds a read lock, which in rollback-journal mode stops the writer's COMMIT
 * (the app runs in WAL mode, where readers never stop a COMMIT; the failure path is the same for
 * any failed COMMIT, a full disk included).
 * Nor must a transaction that SQLite rolled back by itself: SQLITE_FULL is provoked for real by a
 * page limit on the database file (as a full disk does, it fails the statement and ends the
 * transaction, so Prisma's ROLLBACK finds none). And a query from elsewhere must not run inside
 * an open transaction and be rolled back with it.
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { PrismaClient } from "@/lib/generated/prisma/client";
import { EXPECT_TIMEOUT_MS } from "@/tests/support/timeouts";
import { sqliteAdapter } from "./sqlite-adapter";

const dir = mkdtempSync(path.join(os.tmpdir(), "sqlite-adapter-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Settles with the promise's outcome, or with "still waiting" after a generous ceiling. */
function within<T>(promise: Promise<T>): Promise<{ value: T } | { error: unknown } | "still waiting"> {
  return Promise.race([
    promise.then((value) => ({ value }), (error: unknown) => ({ error })),
    new Promise<"still waiting">((resolve) => setTimeout(() => resolve("still waiting"), EXPECT_TIMEOUT_MS).unref()),
  ]);
}

describe("the SQLite adapter after a COMMIT fails", () => {
  it("reports the failure, keeps nothing of that transaction, and the next transactions run", async () => {
    const file = path.join(dir, "busy.db");
    const db = new PrismaClient({ adapter: sqliteAdapter({ url: `file:${file}`, busyTimeoutMs: 50, journalMode: "delete" }) });
    await db.$executeRawUnsafe("CREATE TABLE t (x INTEGER)");

    const reader = new Database(file);
    reader.prepare("BEGIN").run();
    reader.prepare("SELECT count(*) FROM t").get(); // holds a SHARED lock until the reader ends its transaction
    const failed = await within(db.$transaction(async (tx) => tx.$executeRawUnsafe("INSERT INTO t VALUES (1)")));
    expect(failed).toMatchObject({ error: { cause: { originalCode: "SQLITE_BUSY" } } });
    reader.prepare("COMMIT").run();
    reader.close();

    const next = await within(db.$transaction(async (tx) => tx.$executeRawUnsafe("INSERT INTO t VALUES (2)")));
    expect(next).toEqual({ value: 1 });
    const rows = await within(db.$queryRawUnsafe<{ x: number }[]>("SELECT x FROM t ORDER BY x"));
    expect(rows).toEqual({ value: [{ x: 2 }] });
    await db.$disconnect();
  });
});

describe("the SQLite adapter after SQLite ends a transaction by itself (SQLITE_FULL)", () => {
  it("reports the failure, keeps nothing of that transaction, and the next transactions run", async () => {
    const file = path.join(dir, "full.db");
    const db = new PrismaClient({ adapter: sqliteAdapter({ url: `file:${file}` }) });
    await db.$executeRawUnsafe("CREATE TABLE t (x TEXT)");
    await db.$executeRawUnsafe("INSERT INTO t VALUES ('kept')");
    const [{ page_count: pages }] = await db.$queryRawUnsafe<[{ page_count: bigint }]>("PRAGMA page_count");
    // A few pages of room: the database file cannot grow past them, as on a full disk.
    await db.$queryRawUnsafe(`PRAGMA max_page_count = ${Number(pages) + 4}`);

    const big = "x".repeat(2000);
    const failed = await within(
      db.$transaction(async (tx) => {
        for (let i = 0; i < 100; i++) await tx.$executeRawUnsafe("INSERT INTO t VALUES (?)", big);
      }),
    );
    expect(failed).toMatchObject({ error: { code: "SQLITE_FULL" } });

    // With the lock leaked, this would wait forever (as would every write Prisma wraps in a transaction).
    const next = await within(db.$transaction(async (tx) => tx.$executeRawUnsafe("UPDATE t SET x = 'after'")));
    expect(next).toEqual({ value: 1 });
    const rows = await within(db.$queryRawUnsafe<{ x: string }[]>("SELECT x FROM t"));
    expect(rows).toEqual({ value: [{ x: "after" }] });
    await db.$disconnect();
  });
});

describe("the SQLite adapter while an interactive transaction is open", () => {
  it("runs a query from elsewhere after the transaction, so the transaction's rollback cannot take it along", async () => {
    const file = path.join(dir, "outside.db");
    const db = new PrismaClient({ adapter: sqliteAdapter({ url: `file:${file}` }) });
    await db.$executeRawUnsafe("CREATE TABLE t (x TEXT)");
    let outside: Promise<number> | undefined;
    const rolledBack = db.$transaction(async (tx) => {
      await tx.$executeRawUnsafe("INSERT INTO t VALUES ('rolled back')");
      // A write from elsewhere in the process while the transaction awaits something. With the
      // stock adapter it runs at once, inside this transaction; here it waits for the transaction
      // to end, so it cannot settle within this pause (which only bounds the old behaviour).
      outside = db.$executeRawUnsafe("INSERT INTO t VALUES ('outside')");
      await Promise.race([outside, new Promise((resolve) => setTimeout(resolve, 500))]);
      throw new Error("the transaction gives up");
    });
    await expect(rolledBack).rejects.toThrow("the transaction gives up");
    // Its caller is told it worked, and it did.
    expect(await within(outside!)).toEqual({ value: 1 });
    const rows = await within(db.$queryRawUnsafe<{ x: string }[]>("SELECT x FROM t ORDER BY x"));
    expect(rows).toEqual({ value: [{ x: "outside" }] });
    await db.$disconnect();
  });
});

describe("the SQLite adapter's journal", () => {
  it("runs in WAL mode with synchronous=FULL: a reader's open transaction does not stop a COMMIT, and commits sync", async () => {
    const file = path.join(dir, "wal.db");
    const db = new PrismaClient({ adapter: sqliteAdapter({ url: `file:${file}`, busyTimeoutMs: 50 }) });
    expect(await db.$queryRawUnsafe("PRAGMA journal_mode")).toEqual([{ journal_mode: "wal" }]);
    // 2 is FULL: each commit syncs the log before it returns (NORMAL, 1, would not).
    expect(await db.$queryRawUnsafe("PRAGMA synchronous")).toEqual([{ synchronous: 2n }]);
    await db.$executeRawUnsafe("CREATE TABLE t (x INTEGER)");

    const reader = new Database(file);
    reader.prepare("BEGIN").run();
    reader.prepare("SELECT count(*) FROM t").get();
    const committed = await within(db.$transaction(async (tx) => tx.$executeRawUnsafe("INSERT INTO t VALUES (1)")));
    expect(committed).toEqual({ value: 1 });
    // The reader keeps its snapshot until it ends its transaction.
    expect(reader.prepare("SELECT count(*) AS n FROM t").get()).toEqual({ n: 0 });
    reader.prepare("COMMIT").run();
    expect(reader.prepare("SELECT count(*) AS n FROM t").get()).toEqual({ n: 1 });
    reader.close();
    await db.$disconnect();
  });
});

describe("the SQLite adapter's writes outside transactions", () => {
  it("commits writes made in the same turn together, each with its own outcome", async () => {
    const file = path.join(dir, "grouped.db");
    const db = new PrismaClient({ adapter: sqliteAdapter({ url: `file:${file}` }) });
    await db.$executeRawUnsafe("CREATE TABLE t (x INTEGER PRIMARY KEY)");
    await db.$executeRawUnsafe("INSERT INTO t VALUES (0)");
    const wal = new Database(file);
    wal.pragma("wal_checkpoint(TRUNCATE)");

    // Ten writes at once, one of which fails (its key is taken): it fails alone.
    const outcomes = await within(Promise.allSettled([0, ...Array.from({ length: 9 }, (_, i) => i + 1)].map((x) => db.$executeRawUnsafe("INSERT INTO t VALUES (?)", x))));
    expect(outcomes).toMatchObject({ value: [{ status: "rejected" }, ...Array.from({ length: 9 }, () => ({ status: "fulfilled", value: 1 }))] });
    expect(await db.$queryRawUnsafe("SELECT count(*) AS n FROM t")).toEqual([{ n: 10n }]);
    // One commit's pages in the log (a commit each would have written the table's page ten times).
    const [{ log }] = wal.pragma("wal_checkpoint(PASSIVE)") as [{ log: number }];
    expect(log).toBeLessThanOrEqual(3);
    wal.close();
    await db.$disconnect();
  });
});

describe("the SQLite adapter's grouped writes on a full database", () => {
  it("tells each write the truth: those told they succeeded are stored, the others failed with SQLITE_FULL, and writes go on", async () => {
    const file = path.join(dir, "grouped-full.db");
    const db = new PrismaClient({ adapter: sqliteAdapter({ url: `file:${file}` }) });
    await db.$executeRawUnsafe("CREATE TABLE t (x TEXT)");
    const [{ page_count: pages }] = await db.$queryRawUnsafe<[{ page_count: bigint }]>("PRAGMA page_count");
    await db.$queryRawUnsafe(`PRAGMA max_page_count = ${Number(pages) + 4}`);

    const big = "x".repeat(3000);
    const settled = await within(Promise.allSettled(Array.from({ length: 20 }, () => db.$executeRawUnsafe("INSERT INTO t VALUES (?)", big))));
    expect(settled).not.toBe("still waiting");
    const outcomes = (settled as { value: PromiseSettledResult<number>[] }).value;
    const stored = outcomes.filter((outcome) => outcome.status === "fulfilled").length;
    expect(stored).toBeLessThan(20);
    for (const outcome of outcomes) if (outcome.status === "rejected") expect(JSON.stringify(outcome.reason) + String(outcome.reason)).toMatch(/SQLITE_FULL|full/);
    expect(await within(db.$queryRawUnsafe("SELECT count(*) AS n FROM t"))).toEqual({ value: [{ n: BigInt(stored) }] });

    await db.$queryRawUnsafe(`PRAGMA max_page_count = ${Number(pages) + 1000}`);
    expect(await within(db.$executeRawUnsafe("INSERT INTO t VALUES ('after')"))).toEqual({ value: 1 });
    await db.$disconnect();
  });
});
