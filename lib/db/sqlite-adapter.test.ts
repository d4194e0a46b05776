/**
 * A failed COMMIT must not wedge the database client: with Prisma's adapter as shipped, the next
 * transaction waits forever (prisma/orm#29933). SQLITE_BUSY at COMMIT is provoked for real: a
 * second connection holds a read lock, which in rollback-journal mode stops the writer's COMMIT.
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
    const db = new PrismaClient({ adapter: sqliteAdapter({ url: `file:${file}`, busyTimeoutMs: 50 }) });
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
