import { describe, expect, it } from "vitest";
import { listingKeyProblem } from "./listing-key-mapping";

const rule = (id: number, fields: Partial<Parameters<typeof listingKeyProblem>[0][number]> = {}) => ({
  id,
  enabled: true,
  conditionPrefix: "",
  prefixRewrite: null,
  fixedKey: null,
  addressPrefix: "",
  addressSuffix: "",
  ...fields,
});

describe("listingKeyProblem", () => {
  it("takes listed keys as bucket keys when the rule keeps keys unchanged", () => {
    expect(listingKeyProblem([rule(1)], "")).toBeNull();
    expect(listingKeyProblem([rule(1, { conditionPrefix: "img" })], "img/2024/")).toBeNull();
    expect(listingKeyProblem([], "")).toBeNull();
  });

  it("refuses every kind of key rewrite, naming the rule and what it does", () => {
    expect(listingKeyProblem([rule(3, { addressPrefix: "from" })], "")).toMatch(/^Rule #3 .*an address prefix/);
    expect(listingKeyProblem([rule(4, { addressSuffix: ".webp" })], "")).toMatch(/^Rule #4 .*an address suffix/);
    expect(listingKeyProblem([rule(5, { conditionPrefix: "img", prefixRewrite: { action: "replace", with: "pic" } })], "")).toMatch(/^Rule #5 .*a replaced prefix/);
    expect(listingKeyProblem([rule(6, { conditionPrefix: "img", prefixRewrite: { action: "crop" } })], "img")).toMatch(/^Rule #6 .*a cropped prefix/);
    expect(listingKeyProblem([rule(7, { fixedKey: "index.html" })], "a/")).toMatch(/^Rule #7 .*a fixed filename/);
  });

  it("ignores a rewriting rule that cannot match keys under the listing's prefix, or that is disabled", () => {
    const rewriting = rule(2, { conditionPrefix: "img", addressPrefix: "from" });
    expect(listingKeyProblem([rule(1, { conditionPrefix: "doc" }), rewriting], "doc/")).toBeNull();
    expect(listingKeyProblem([rewriting], "im")).toMatch(/^Rule #2 /);
    expect(listingKeyProblem([{ ...rewriting, enabled: false }], "img/")).toBeNull();
  });
});
