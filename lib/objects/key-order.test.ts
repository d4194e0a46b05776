import { describe, expect, it } from "vitest";
import { compareUtf8, prefixSuccessor } from "./key-order";

const utf8Order = (a: string, b: string) => Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));

describe("compareUtf8", () => {
  it("orders astral characters after U+E000..U+FFFF, as the UTF-8 bytes do (JavaScript's < does not)", () => {
    const astral = "\u{1F600}"; // F0 9F 98 80; in UTF-16 D83D DE00
    const fullwidth = "\uFF01"; // EF BC 81
    expect(astral < fullwidth).toBe(true);
    expect(compareUtf8(astral, fullwidth)).toBeGreaterThan(0);
    expect(compareUtf8("a", "ab")).toBeLessThan(0);
    expect(compareUtf8("ab", "ab")).toBe(0);
  });

  it("agrees with Buffer.compare on the UTF-8 bytes", () => {
    const alphabet = ["a", "b", "/", "\u007F", "\u0080", "\u07FF", "\u0800", "\uD7FF", "\uE000", "\uFFFF", "\u{10000}", "\u{1F600}", "\u{10FFFF}"];
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const word = () => Array.from({ length: 1 + Math.floor(random() * 4) }, () => alphabet[Math.floor(random() * alphabet.length)]).join("");
    for (let i = 0; i < 2000; i++) {
      const a = word();
      const b = word();
      expect(Math.sign(compareUtf8(a, b)), `${JSON.stringify(a)} vs ${JSON.stringify(b)}`).toBe(Math.sign(utf8Order(a, b)));
    }
  });
});

describe("prefixSuccessor", () => {
  it("increments the last code point", () => {
    expect(prefixSuccessor("photos/")).toBe("photos0");
    expect(prefixSuccessor("a\uFFFF")).toBe("a\u{10000}");
    expect(prefixSuccessor("a\u{1F600}")).toBe("a\u{1F601}");
    expect(prefixSuccessor("a\uD7FF")).toBe("a\uE000");
  });

  it("carries past U+10FFFF and has no successor for an empty or all-maximal prefix", () => {
    expect(prefixSuccessor("a\u{10FFFF}\u{10FFFF}")).toBe("b");
    expect(prefixSuccessor("\u{10FFFF}")).toBeNull();
    expect(prefixSuccessor("")).toBeNull();
  });

  it("sorts after every extension of the prefix and before every other larger key", () => {
    for (const prefix of ["x/", "x\u{1F600}", "x\uFFFF", "x\u07FF"]) {
      const successor = prefixSuccessor(prefix)!;
      for (const tail of ["", "\u0000", "\uFFFF", "\u{10FFFF}\u{10FFFF}"]) expect(utf8Order(prefix + tail, successor)).toBeLessThan(0);
      expect(utf8Order(successor, prefix)).toBeGreaterThan(0);
      expect(successor.startsWith(prefix)).toBe(false);
    }
  });
});
