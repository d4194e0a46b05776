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
import { recordingAdapter } from "@/tests/support/recorded-sqlite";
import { EXPECT_TIMEOUT_MS } from "@/tests/support/timeouts";
import { sqliteAdapter, writesTo } from "./sqlite-adapter";

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

describe("the SQLite adapter when a transaction cannot begin (another process holds the write lock)", () => {
  it("reports SQLITE_BUSY, and once the lock is free the next transactions run", async () => {
    const file = path.join(dir, "begin-busy.db");
    const db = new PrismaClient({ adapter: sqliteAdapter({ url: `file:${file}`, busyTimeoutMs: 50 }) });
    await db.$executeRawUnsafe("CREATE TABLE t (x INTEGER)");

    const writer = new Database(file);
    writer.prepare("BEGIN IMMEDIATE").run(); // the write lock, as another instance's transaction holds it
    const failed = await within(db.$transaction(async (tx) => tx.$executeRawUnsafe("INSERT INTO t VALUES (1)")));
    expect(failed).toMatchObject({ error: { code: "P1008", meta: { driverAdapterError: { cause: { originalCode: "SQLITE_BUSY" } } } } });
    writer.prepare("COMMIT").run();
    writer.close();

    // With the adapter as shipped the failed BEGIN kept its transaction lock: this waited forever.
    const next = await within(db.$transaction(async (tx) => tx.$executeRawUnsafe("INSERT INTO t VALUES (2)")));
    expect(next).toEqual({ value: 1 });
    expect(await within(db.$queryRawUnsafe<{ x: number }[]>("SELECT x FROM t ORDER BY x"))).toEqual({ value: [{ x: 2 }] });
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

describe("the SQLite adapter's unsynced tables", () => {
  /**
   * The adapter's connection, and every statement it prepares from now on (pragmas included), in
   * order; `failRestores` makes that many of the next `synchronous = FULL` pragmas fail.
   */
  async function openRecorded(file: string, unsyncedTables = ["lease"]) {
    const factory = sqliteAdapter({ url: `file:${file}`, unsyncedTables });
    const statements: string[] = [];
    const knobs = { failRestores: 0 };
    let prepareUnrecorded!: (sql: string) => { pluck(): { get(): unknown } };
    const db = new PrismaClient({
      adapter: recordingAdapter(factory, statements, {
        onConnect: (connection) => (prepareUnrecorded = connection.prepare.bind(connection) as unknown as typeof prepareUnrecorded),
        beforePragma: (source) => {
          if (source !== "synchronous = FULL" || knobs.failRestores === 0) return;
          knobs.failRestores -= 1;
          statements.push(`PRAGMA ${source} (failed)`);
          throw Object.assign(new Error("database is locked"), { code: "SQLITE_BUSY" });
        },
      }),
    });
    await db.$executeRawUnsafe("CREATE TABLE lease (k TEXT PRIMARY KEY)");
    await db.$executeRawUnsafe("CREATE TABLE object (k TEXT PRIMARY KEY)");
    statements.length = 0;
    // Read through the adapter's own prepare (unrecorded): after a failed restore it restores first, as any statement.
    return { db, statements, knobs, synchronous: () => Number(prepareUnrecorded("PRAGMA synchronous").pluck().get()) };
  }
  const NORMAL = "PRAGMA synchronous = NORMAL";
  const FULL = "PRAGMA synchronous = FULL";

  it("commits a write to one of them alone without waiting for the disk, and syncs again after it", async () => {
    const file = path.join(dir, "unsynced.db");
    const { db, statements, synchronous } = await openRecorded(file);
    expect(await within(db.$executeRawUnsafe("INSERT INTO lease VALUES ('a')"))).toEqual({ value: 1 });
    expect(statements).toEqual([NORMAL, "INSERT INTO lease VALUES ('a')", FULL]);
    expect(synchronous()).toBe(2);
    // Another connection (another instance on the same file) sees it at once.
    const other = new Database(file);
    expect(other.prepare("SELECT k FROM lease").all()).toEqual([{ k: "a" }]);
    other.close();

    // Every other write syncs as before, and so do reads.
    statements.length = 0;
    await db.$executeRawUnsafe("INSERT INTO object VALUES ('a')");
    await db.$executeRawUnsafe("UPDATE lease SET k = 'b' WHERE k = 'a'");
    await db.$executeRawUnsafe("DELETE FROM lease");
    await db.$queryRawUnsafe("SELECT * FROM lease");
    expect(statements).toEqual(["INSERT INTO object VALUES ('a')", NORMAL, "UPDATE lease SET k = 'b' WHERE k = 'a'", FULL, NORMAL, "DELETE FROM lease", FULL, "SELECT * FROM lease"]);
    expect(synchronous()).toBe(2);
    await db.$disconnect();
  });

  it("syncs a write to one of them that shares its commit with another write, and never changes the setting during a transaction", async () => {
    const { db, statements, synchronous } = await openRecorded(path.join(dir, "unsynced-grouped.db"));
    // Two writes in the same turn share a commit: it must sync for the object's sake.
    expect(await within(Promise.all([db.$executeRawUnsafe("INSERT INTO lease VALUES ('a')"), db.$executeRawUnsafe("INSERT INTO object VALUES ('a')")]))).toEqual({ value: [1, 1] });
    expect(statements).not.toContain(NORMAL);

    // A lease written while a transaction is open runs after the transaction's COMMIT, which syncs
    // (SQLite refuses the pragma inside a transaction, and the setting is never changed during one).
    statements.length = 0;
    let lease: Promise<number> | undefined;
    await db.$transaction(async (tx) => {
      await tx.$executeRawUnsafe("INSERT INTO object VALUES ('b')");
      lease = db.$executeRawUnsafe("INSERT INTO lease VALUES ('b')");
      // Turns of the event loop (not time): its group's flush, a setImmediate once Prisma has handed
      // the statement over, comes up while the transaction is still open, and waits for it.
      for (let turn = 0; turn < 20; turn++) await new Promise((resolve) => setImmediate(resolve));
    });
    expect(await within(lease!)).toEqual({ value: 1 });
    const commit = statements.indexOf("COMMIT");
    expect(commit).toBeGreaterThan(statements.indexOf("INSERT INTO object VALUES ('b')"));
    expect(statements.slice(0, commit)).not.toContain(NORMAL);
    expect(statements.indexOf("INSERT INTO lease VALUES ('b')")).toBeGreaterThan(commit);
    expect(synchronous()).toBe(2);

    // A failing write to one of them fails alone, and leaves the connection syncing.
    statements.length = 0;
    const failed = await within(db.$executeRawUnsafe("INSERT INTO lease VALUES ('a')"));
    expect(failed).toMatchObject({ error: { code: "P2010" } });
    expect(statements).toEqual([NORMAL, "INSERT INTO lease VALUES ('a')", FULL]);
    expect(synchronous()).toBe(2);
    await db.$disconnect();
  });

  it("keeps a write whose restore of FULL failed, and restores FULL before the next statement, or fails that statement", async () => {
    const { db, statements, knobs, synchronous } = await openRecorded(path.join(dir, "unsynced-restore.db"));
    knobs.failRestores = 1;
    // The write committed: its caller hears so, whatever became of the setting afterwards.
    expect(await within(db.$executeRawUnsafe("INSERT INTO lease VALUES ('a')"))).toEqual({ value: 1 });
    expect(statements).toEqual([NORMAL, "INSERT INTO lease VALUES ('a')", `${FULL} (failed)`]);
    // The next statement, whatever it is, restores FULL before it is prepared (the recorder sees the
    // statement handed to prepare first, and the pragma inside that call).
    statements.length = 0;
    expect(await within(db.$executeRawUnsafe("INSERT INTO object VALUES ('a')"))).toEqual({ value: 1 });
    expect(statements).toEqual(["INSERT INTO object VALUES ('a')", FULL]);
    expect(synchronous()).toBe(2);

    // If FULL cannot come back, the next write fails rather than commit without an fsync.
    knobs.failRestores = 2;
    await db.$executeRawUnsafe("INSERT INTO lease VALUES ('b')");
    statements.length = 0;
    expect(await within(db.$executeRawUnsafe("INSERT INTO object VALUES ('b')"))).toMatchObject({ error: expect.anything() });
    expect(statements).toEqual(["INSERT INTO object VALUES ('b')", `${FULL} (failed)`]);
    expect(await within(db.$executeRawUnsafe("INSERT INTO object VALUES ('c')"))).toEqual({ value: 1 });
    expect(await db.$queryRawUnsafe("SELECT k FROM object ORDER BY k")).toEqual([{ k: "a" }, { k: "c" }]);
    expect(synchronous()).toBe(2);
    await db.$disconnect();
  });

  it("recognises Prisma's writes to the table and nothing else", () => {
    const leases = writesTo(["FetchLease"])!;
    // As Prisma writes them (lib/fleet/fetch-leases.ts). Only the INSERT (acquire) and the DELETE
    // (release) run alone: Prisma sends an updateMany inside BEGIN … COMMIT, which syncs
    // (tests/integration/fetch-lease-sync.test.ts).
    for (const sql of [
      "INSERT INTO `main`.`FetchLease` (`bucketId`, `key`, `owner`, `token`, `expiresAt`, `outcome`, `reason`, `superseded`) VALUES (?,?,?,?,?,?,?,?) RETURNING `bucketId` AS `bucketId`",
      "UPDATE `main`.`FetchLease` SET `superseded` = ? WHERE (`main`.`FetchLease`.`bucketId` = ? AND `main`.`FetchLease`.`key` = ?)",
      "DELETE FROM `main`.`FetchLease` WHERE (`main`.`FetchLease`.`bucketId` = ? AND `main`.`FetchLease`.`key` = ? AND `main`.`FetchLease`.`token` = ?)",
      'insert into "FetchLease" values (1)',
      "  UPDATE FetchLease SET x = 1",
    ]) {
      expect(leases.test(sql), sql).toBe(true);
    }
    for (const sql of [
      "INSERT INTO `main`.`FetchLeaseArchive` (`bucketId`) VALUES (?)",
      "INSERT INTO `main`.`Object` (`bucketId`) SELECT `bucketId` FROM `main`.`FetchLease`",
      "UPDATE `main`.`Object` SET `x` = (SELECT 1 FROM `main`.`FetchLease`)",
      "SELECT * FROM `main`.`FetchLease`",
    ]) {
      expect(leases.test(sql), sql).toBe(false);
    }
    expect(writesTo([])).toBeNull();
  });
});

/** Runs `body` with every SQL text better-sqlite3 prepares (any connection) recorded in `prepared`. */
async function withPreparesCounted(body: (prepared: string[]) => Promise<void>): Promise<void> {
  const prepared: string[] = [];
  const original = Database.prototype.prepare;
  Database.prototype.prepare = function (this: Database.Database, sql: string) {
    prepared.push(sql);
    return original.call(this, sql);
  } as typeof original;
  try {
    await body(prepared);
  } finally {
    Database.prototype.prepare = original;
  }
}

describe("the SQLite adapter's statements", () => {
  it("prepares each statement once per connection, runs it with each call's own arguments, and keeps it usable after a failure", async () => {
    await withPreparesCounted(async (prepared) => {
      const db = new PrismaClient({ adapter: sqliteAdapter({ url: `file:${path.join(dir, "kept.db")}` }) });
      await db.$executeRawUnsafe("CREATE TABLE k (id INTEGER PRIMARY KEY, v TEXT)");
      for (let i = 0; i < 5; i++) await db.$executeRawUnsafe("INSERT INTO k (v) VALUES (?)", `v${i}`);
      const read = [];
      for (let i = 1; i <= 5; i++) read.push(await db.$queryRawUnsafe<{ v: string }[]>("SELECT v FROM k WHERE id = ?", i));
      expect(read).toEqual(["v0", "v1", "v2", "v3", "v4"].map((v) => [{ v }]));
      // A statement that fails (the key is taken) fails alone; the same statement works next time.
      await expect(db.$executeRawUnsafe("INSERT INTO k (id, v) VALUES (?, ?)", 1, "taken")).rejects.toThrow();
      expect(await db.$executeRawUnsafe("INSERT INTO k (id, v) VALUES (?, ?)", 99, "free")).toBe(1);
      for (const v of ["tx1", "tx2"]) await db.$transaction(async (tx) => tx.$executeRawUnsafe("INSERT INTO k (v) VALUES (?)", v));
      expect(await db.$queryRawUnsafe("SELECT v FROM k WHERE id > ? ORDER BY id", 5)).toEqual([{ v: "free" }, { v: "tx1" }, { v: "tx2" }]);
      await db.$disconnect();
      const times = (sql: string) => prepared.filter((text) => text === sql).length;
      expect(times("INSERT INTO k (v) VALUES (?)")).toBe(1);
      expect(times("SELECT v FROM k WHERE id = ?")).toBe(1);
      expect(times("INSERT INTO k (id, v) VALUES (?, ?)")).toBe(1);
      expect(times("BEGIN IMMEDIATE")).toBe(1);
      expect(times("COMMIT")).toBe(1);
    });
  });

  it("drops the statement kept longest when full, and does not keep lists of values", async () => {
    await withPreparesCounted(async (prepared) => {
      const db = new PrismaClient({ adapter: sqliteAdapter({ url: `file:${path.join(dir, "evicted.db")}` }) });
      const distinct = (i: number) => `SELECT ${i} AS n WHERE ? = ?`;
      const run = (sql: string, args: number[] = [1, 1]) => db.$queryRawUnsafe(sql, ...args);
      // Fill the cache: the client's own statements plus these come to more than 512.
      for (let i = 0; i < 520; i++) await run(distinct(i));
      prepared.length = 0;
      // One new statement makes room by dropping one: the most recent 500 are all still kept.
      await run(distinct(10_000));
      for (let i = 20; i < 520; i++) await run(distinct(i));
      expect(prepared.filter((sql) => sql.startsWith("SELECT "))).toEqual([distinct(10_000)]);
      // Lists of values, 600 lengths: each prepared for each use, pushing none of the others out.
      const list = (length: number) => `SELECT 'yes' AS found WHERE 1 IN (${Array(length).fill("?").join(", ")})`;
      const values = (length: number) => Array.from({ length }, (_, i) => i);
      for (let length = 65; length < 665; length++) expect(await run(list(length), values(length))).toEqual([{ found: "yes" }]);
      expect(await run(list(100), values(100))).toEqual([{ found: "yes" }]);
      expect(prepared.filter((sql) => sql === list(100))).toHaveLength(2);
      prepared.length = 0;
      await run(distinct(10_000));
      for (let i = 20; i < 520; i++) await run(distinct(i));
      expect(prepared).toEqual([]);
      await db.$disconnect();
    });
  });
});
