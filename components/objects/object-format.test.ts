import { describe, expect, it } from "vitest";
import { formatBytes, nameIn } from "./object-format";

describe("object formatting", () => {
  it("writes sizes in binary units", () => {
    expect(formatBytes(0)).toBe("0 bytes");
    expect(formatBytes(1)).toBe("1 byte");
    expect(formatBytes(1536)).toBe("1.5 KiB");
    expect(formatBytes(5 * 1024 ** 3)).toBe("5.0 GiB");
    expect(formatBytes(300 * 1024 ** 2)).toBe("300 MiB");
  });

  it("names a key relative to the folder shown", () => {
    expect(nameIn("a/b/", "a/b/c.txt")).toBe("c.txt");
    expect(nameIn("a/b/", "a/b/d/")).toBe("d/");
    expect(nameIn("", "x")).toBe("x");
  });
});
