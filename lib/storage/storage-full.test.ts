/** Which failures mean "full": the shapes the file system, both database adapters and S3 clients give. */
import { describe, expect, it } from "vitest";
import { isStorageFull } from "./storage-full";

describe("isStorageFull", () => {
  it("recognises a full file system, SQLite's SQLITE_FULL and PostgreSQL's disk_full, however deeply wrapped", () => {
    expect(isStorageFull(Object.assign(new Error("no space"), { code: "ENOSPC" }))).toBe(true);
    expect(isStorageFull({ cause: { kind: "sqlite", extendedCode: 13 } })).toBe(true);
    expect(isStorageFull({ meta: { driverAdapterError: { cause: { kind: "postgres", code: "53100", message: "could not extend file" } } } })).toBe(true);
  });

  it("does not take other database failures for a full disk", () => {
    expect(isStorageFull({ cause: { kind: "postgres", code: "53300", message: "too many connections" } })).toBe(false);
    expect(isStorageFull({ cause: { kind: "sqlite", extendedCode: 5 } })).toBe(false);
    expect(isStorageFull(new Error("boom"))).toBe(false);
  });
});
