/** Which transaction failures are retried: write conflicts and deadlocks, nothing else. */
import { describe, expect, it } from "vitest";
import { isSerializationFailure } from "./transactions";

describe("isSerializationFailure", () => {
  it("retries Prisma's P2034 and PostgreSQL's 40001 and 40P01 wherever the driver's error sits", () => {
    expect(isSerializationFailure({ code: "P2034", message: "Transaction failed due to a write conflict or a deadlock" })).toBe(true);
    expect(isSerializationFailure({ cause: { originalCode: "40001" } })).toBe(true);
    expect(isSerializationFailure({ meta: { driverAdapterError: { cause: { kind: "postgres", code: "40P01" } } } })).toBe(true);
    // A raw statement inside the transaction (DirectSql.within) fails as Prisma's P2010, the driver's code nested.
    expect(isSerializationFailure({ code: "P2010", meta: { driverAdapterError: { cause: { originalCode: "40001", kind: "postgres" } } } })).toBe(true);
  });

  it("does not retry a unique violation, a timeout or a plain error", () => {
    expect(isSerializationFailure({ code: "P2002" })).toBe(false);
    expect(isSerializationFailure({ code: "P2028" })).toBe(false);
    expect(isSerializationFailure({ cause: { kind: "postgres", code: "23505" } })).toBe(false);
    expect(isSerializationFailure(new Error("boom"))).toBe(false);
  });
});
