import { describe, expect, it } from "vitest";
import { parseRange } from "./stored-object-body";

describe("parseRange", () => {
  it("parses one range, and refuses an open range past the end", () => {
    expect(parseRange("bytes=2-4", 10)).toEqual({ start: 2, end: 4 });
    expect(parseRange("bytes=-3", 10)).toEqual({ start: 7, end: 9 });
    expect(parseRange("bytes=8-", 10)).toEqual({ start: 8, end: 9 });
    expect(parseRange("bytes=10-", 10)).toBe("unsatisfiable");
    expect(parseRange("bytes=10-12", 10)).toBe("unsatisfiable");
    expect(parseRange("bytes=4-2", 10)).toBeNull();
    expect(parseRange(undefined, 10)).toBeNull();
  });
});
