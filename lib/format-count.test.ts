import { describe, expect, it } from "vitest";
import { countOf } from "./format-count";

describe("countOf", () => {
  it("makes the noun agree with the number, and separates thousands", () => {
    expect(countOf(1, "object")).toBe("1 object");
    expect(countOf(0, "object")).toBe("0 objects");
    expect(countOf(2500, "object")).toBe("2,500 objects");
    expect(countOf(2, "key")).toBe("2 keys");
    expect(countOf(3, "entry", "entries")).toBe("3 entries");
  });
});
