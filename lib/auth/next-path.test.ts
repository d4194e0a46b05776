import { describe, expect, it } from "vitest";
import { safeNextPath } from "./next-path";

/** Where a browser on the console's origin lands after `location.assign(next)`. */
const landsOn = (next: string) => new URL(next, "https://console.example").origin;

describe("safeNextPath", () => {
  it.each([
    ["/buckets/photos/configuration", "/buckets/photos/configuration"],
    ["/buckets?tab=rules#top", "/buckets?tab=rules#top"],
    ["/access-keys", "/access-keys"],
    ["/a/../buckets", "/buckets"],
    ["/%2F%2Fevil.example", "/%2F%2Fevil.example"],
    ["  /buckets ", "/buckets"],
  ])("keeps the same-origin path %j (as %j)", (next, expected) => {
    expect(safeNextPath(next)).toBe(expected);
  });

  it.each([
    // The reported attack: a tab inside `//` is dropped by the browser.
    "/\t/evil.example/x",
    "/\n/evil.example",
    "/\r\n/evil.example",
    "\t//evil.example",
    "//evil.example",
    "///evil.example",
    "/\\evil.example",
    "\\/evil.example",
    "\\\\evil.example",
    "/\\\t\\evil.example",
    " //evil.example",
    "\u0000//evil.example",
    "/a/..//evil.example",
    "/./\\evil.example",
    "https://evil.example/x",
    "http:evil.example",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "java\tscript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "evil.example",
    "",
  ])("refuses %j", (next) => {
    expect(safeNextPath(next)).toBe("/buckets");
  });

  it("never yields a value a browser resolves to another origin", () => {
    const vectors = ["/\t/evil.example", "/a/..//evil.example", "/\\evil.example", "/ok", "//evil", "/%09/evil.example", "/.//evil.example"];
    for (const next of vectors) expect(landsOn(safeNextPath(next))).toBe("https://console.example");
  });

  it("ignores a repeated parameter or a missing one", () => {
    expect(safeNextPath(["/a", "/b"])).toBe("/buckets");
    expect(safeNextPath(undefined)).toBe("/buckets");
    expect(safeNextPath(null)).toBe("/buckets");
  });
});
