import { describe, expect, it } from "vitest";
import { newRequestId, requestIdFrom } from "./request-id";

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe("request ids", () => {
  it("are version-4 UUIDs in lower case, all different (across refills of the random bytes)", () => {
    const ids = Array.from({ length: 2000 }, newRequestId);
    for (const id of ids) expect(id).toMatch(UUID_V4);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("use every hex digit in every free position (the random bytes reach the text)", () => {
    const seen = Array.from({ length: 36 }, () => new Set<string>());
    for (let i = 0; i < 4000; i++) [...newRequestId()].forEach((char, at) => seen[at]!.add(char));
    const fixed = new Map([[8, "-"], [13, "-"], [18, "-"], [23, "-"], [14, "4"]]);
    seen.forEach((chars, at) => {
      if (fixed.has(at)) expect([...chars]).toEqual([fixed.get(at)]);
      else if (at === 19) expect([...chars].sort()).toEqual(["8", "9", "a", "b"]);
      else expect(chars.size).toBe(16);
    });
  });

  it("taken from elsewhere, are kept as they are, or escaped so that JSON carries them in ASCII and reads them back", () => {
    for (const text of ["0f8fad5b-d9cb-469f-a165-70867728950e", "plain text", "~\u007f"]) expect(requestIdFrom(text)).toBe(text);
    for (const text of ['a"b', "a\\b", "tab\there", "\u0001", "\ud800", "é文", "id-😀", "\u0080\u00ff"]) {
      const id = requestIdFrom(text);
      expect(id).not.toBe(text);
      expect(id).toMatch(/^[\x20-\x7e]*$/);
      expect(JSON.parse(`"${id}"`)).toBe(text);
    }
  });
});
