/**
 * Which real Prisma failures mean "the database is busy, try again" (answered 503) and which are
 * bugs (answered 500): provoked for real on a SQLite file through the app's adapter.
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PrismaClient, type Prisma } from "@/lib/generated/prisma/client";
import { isDatabaseBusy } from "./database-busy";
import { sqliteAdapter } from "./sqlite-adapter";

const dir = mkdtempSync(path.join(os.tmpdir(), "database-busy-"));
const db = new PrismaClient({ adapter: sqliteAdapter({ url: `file:${path.join(dir, "busy.db")}` }) });
beforeAll(() => db.$executeRawUnsafe("CREATE TABLE t (x INTEGER)"));
afterAll(async () => {
  await db.$disconnect();
  rmSync(dir, { recursive: true, force: true });
});

const failureOf = (promise: Promise<unknown>) => promise.then(() => null, (error: unknown) => error);

describe("isDatabaseBusy", () => {
  it("is true for a transaction that ran past its time limit", async () => {
    const error = await failureOf(
      db.$transaction(
        async (tx) => {
          await new Promise((resolve) => setTimeout(resolve, 300));
          return tx.$executeRawUnsafe("INSERT INTO t VALUES (2)");
        },
        { timeout: 50 },
      ),
    );
    expect(error).toMatchObject({ code: "P2028", message: expect.stringMatching(/expired transaction/) });
    expect(isDatabaseBusy(error)).toBe(true);
  });

  it("is true for a transaction that could not start in time", () => {
    // What PostgreSQL's pool gave under load in the deployments bench (the SQLite adapter queues
    // transactions without a limit, so this cannot be provoked here): Prisma's error, as thrown.
    const error = Object.assign(new Error("Transaction API error: Unable to start a transaction in the given time."), { code: "P2028", clientVersion: "6.19.3" });
    expect(isDatabaseBusy(error)).toBe(true);
  });

  it("is false for a transaction used after its commit (a bug, not a busy database), and for other failures", async () => {
    let leaked!: Prisma.TransactionClient;
    await db.$transaction(async (tx) => {
      leaked = tx;
    });
    const misuse = await failureOf(leaked.$executeRawUnsafe("INSERT INTO t VALUES (3)"));
    expect(misuse).toMatchObject({ code: "P2028" });
    expect(isDatabaseBusy(misuse)).toBe(false);
    expect(isDatabaseBusy(await failureOf(db.$executeRawUnsafe("INSERT INTO missing VALUES (1)")))).toBe(false);
    expect(isDatabaseBusy(new Error("database is locked"))).toBe(false);
    expect(isDatabaseBusy(null)).toBe(false);
  });
});
