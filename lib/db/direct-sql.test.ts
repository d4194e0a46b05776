import type { SqlDriverAdapter, SqlDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import { describe, expect, it, vi } from "vitest";
import { numberedPlaceholders, readBigInt, readDate, readInt, readOptionalString, readString, sharedConnection } from "./direct-sql";

describe("numberedPlaceholders", () => {
  it("numbers each ? in order for PostgreSQL", () => {
    expect(numberedPlaceholders('SELECT * FROM "T" WHERE "a" = ? AND "b" = ? LIMIT ?')).toBe('SELECT * FROM "T" WHERE "a" = $1 AND "b" = $2 LIMIT $3');
    expect(numberedPlaceholders("SELECT 1")).toBe("SELECT 1");
  });
});

describe("column readers", () => {
  it("decode both adapters' forms alike", () => {
    expect(readInt("42")).toBe(42);
    expect(readInt(42)).toBe(42);
    expect(() => readInt("4.5")).toThrow(/not an integer/);
    expect(() => readInt(String(2 ** 53 + 2))).toThrow(/not an integer/);
    expect(readBigInt("6597069766663")).toBe(6597069766663n);
    expect(readBigInt(7)).toBe(7n);
    expect(() => readBigInt(null)).toThrow(/not an integer/);
    expect(readString("x")).toBe("x");
    expect(() => readString(1)).toThrow(/not a text/);
    expect(readOptionalString(null)).toBeNull();
    expect(readOptionalString("a")).toBe("a");
  });

  it("reads dates with a zone as given, and text without one (SQLite's CURRENT_TIMESTAMP) as UTC", () => {
    expect(readDate("2026-11-27T21:15:07.123+00:00").toISOString()).toBe("2026-11-27T21:15:07.123Z");
    expect(readDate("2026-11-27T23:15:07.123+02:00").toISOString()).toBe("2026-11-27T21:15:07.123Z");
    expect(readDate("2026-11-27 21:15:07").toISOString()).toBe("2026-11-27T21:15:07.000Z");
    expect(readDate(1764278107123).toISOString()).toBe("2025-11-27T21:15:07.123Z");
    expect(readDate("1764278107123").toISOString()).toBe("2025-11-27T21:15:07.123Z");
    expect(() => readDate("tomorrow")).toThrow(/not a date/);
  });
});

describe("sharedConnection", () => {
  function fakeFactory(failFirst = false) {
    let connects = 0;
    let disposed = 0;
    const factory: SqlDriverAdapterFactory = {
      provider: "sqlite",
      adapterName: "fake",
      connect: async () => {
        connects += 1;
        if (failFirst && connects === 1) throw new Error("cannot open");
        return { dispose: async () => void (disposed += 1) } as unknown as SqlDriverAdapter;
      },
    };
    return { factory, counts: () => ({ connects, disposed }) };
  }

  it("connects once for Prisma and the direct statements, and again after a dispose", async () => {
    const { factory, counts } = fakeFactory();
    const shared = sharedConnection(factory);
    const [a, b] = await Promise.all([shared.factory.connect(), shared.connected()]);
    expect(a).toBe(b);
    expect(counts()).toEqual({ connects: 1, disposed: 0 });
    await a.dispose();
    expect(counts()).toEqual({ connects: 1, disposed: 1 });
    const c = await shared.connected();
    expect(c).not.toBe(a);
    expect(await shared.factory.connect()).toBe(c);
    expect(counts()).toEqual({ connects: 2, disposed: 1 });
    // Disposing of an old adapter again does not drop the current one.
    await a.dispose();
    expect(await shared.connected()).toBe(c);
  });

  it("does not keep a failed connection", async () => {
    const { factory, counts } = fakeFactory(true);
    const shared = sharedConnection(factory);
    await expect(shared.connected()).rejects.toThrow("cannot open");
    await expect(shared.connected()).resolves.toBeDefined();
    expect(counts().connects).toBe(2);
  });
});

describe("the clients' registry", () => {
  it("is shared by every copy of the module in the process (Next bundles its own copy for the console's handlers)", async () => {
    const first = await import("./direct-sql");
    vi.resetModules();
    const second = await import("./direct-sql");
    expect(second).not.toBe(first);
    const client = {};
    const sql = first.directSqlOn("sqlite", () => Promise.reject(new Error("not connected in this test")));
    first.registerDirectSql(client, sql);
    expect(second.directSql(client as never)).toBe(sql);
    expect(() => second.directSql({} as never)).toThrow(/not made by createPrismaClient/);
  });
});
