import { describe, expect, it } from "vitest";
import { mirrorRuleSchema, updateMirrorRuleSchema, type MirrorRuleInput } from "./rule-schema";

const valid: MirrorRuleInput = {
  origin: { type: "url", protocol: "http", host: "www.myweb.com" },
  storageClass: "STANDARD",
};

function problems(input: unknown): Record<string, string[]> {
  const result = mirrorRuleSchema.safeParse(input);
  if (result.success) return {};
  const out: Record<string, string[]> = {};
  for (const issue of result.error.issues) (out[issue.path.join(".")] ??= []).push(issue.message);
  return out;
}

describe("mirrorRuleSchema", () => {
  it("fills defaults for a minimal rule", () => {
    expect(mirrorRuleSchema.parse(valid)).toMatchObject({
      mode: "fetch",
      conditionPrefix: "",
      backupOrigin: null,
      prefixRewrite: null,
      fixedKey: null,
      passQueryString: false,
      headers: { passAll: false, pass: [], prohibit: [], set: [] },
    });
  });

  it("refuses a prefix condition ending in /", () => {
    expect(problems({ ...valid, conditionPrefix: "abc/" })).toEqual({
      conditionPrefix: ["The prefix condition cannot end with /."],
    });
  });

  it("refuses a fixed filename in mirror mode and a backup origin in redirect mode", () => {
    expect(problems({ ...valid, mode: "fetch", fixedKey: "x.html" })).toHaveProperty("fixedKey");
    const backup = { type: "url", host: "backup.com" };
    expect(problems({ ...valid, mode: "redirect", backupOrigin: backup })).toHaveProperty("backupOrigin");
    expect(problems({ ...valid, mode: "redirect", fixedKey: "x.html" })).toEqual({});
  });

  it("refuses more than 10 headers in a list", () => {
    const eleven = Array.from({ length: 11 }, (_, i) => `h${i}`);
    expect(problems({ ...valid, headers: { pass: eleven } })["headers.pass"]).toEqual(["At most 10 headers per list."]);
    expect(problems({ ...valid, headers: { prohibit: eleven } })).toHaveProperty(["headers.prohibit"]);
    const set = eleven.map((name) => ({ name, value: "v" }));
    expect(problems({ ...valid, headers: { set } })).toHaveProperty(["headers.set"]);
  });

  it("names a forbidden header in pass or set", () => {
    expect(problems({ ...valid, headers: { pass: ["header1", "Content-Length"] } })["headers.pass"]?.[0]).toMatch(
      /^Content-Length /,
    );
    expect(problems({ ...valid, headers: { set: [{ name: "x-bce-acl", value: "1" }] } })["headers.set.0.name"]?.[0]).toMatch(
      /^x-bce-acl/,
    );
    for (const name of ["Authorization", "Range", "Date", "Content-MD5", "Host", "Proxy-Authorization", "Upgrade", "TE"]) {
      expect(problems({ ...valid, headers: { pass: [name] } }), name).toHaveProperty(["headers.pass"]);
    }
  });

  it("accepts header lists typed as text in the form", () => {
    const rule = mirrorRuleSchema.parse({ ...valid, headers: { pass: "header1, header2\nheader3", prohibit: "" } });
    expect(rule.headers.pass).toEqual(["header1", "header2", "header3"]);
    expect(rule.headers.prohibit).toEqual([]);
  });

  it("refuses duplicate or malformed header names and header values with line breaks", () => {
    expect(problems({ ...valid, headers: { pass: ["a", "A"] } })["headers.pass"]).toEqual(["A is listed twice."]);
    expect(problems({ ...valid, headers: { pass: ["bad:name"] } })).toHaveProperty(["headers.pass"]);
    expect(problems({ ...valid, headers: { set: [{ name: "x-a", value: "a\r\nb: c" }] } })).toHaveProperty([
      "headers.set.0.value",
    ]);
  });

  it("refuses both pass-all and a pass list", () => {
    expect(problems({ ...valid, headers: { passAll: true, pass: ["a"] } })).toHaveProperty(["headers.pass"]);
  });

  it("checks the origin host syntax", () => {
    expect(problems({ ...valid, origin: { type: "url", host: "http://x.com" } })).toHaveProperty(["origin.host"]);
    expect(problems({ ...valid, origin: { type: "url", host: "x.com/path" } })).toHaveProperty(["origin.host"]);
    expect(problems({ ...valid, origin: { type: "url", host: "[::1]:70000" } })).toHaveProperty(["origin.host"]);
  });

  it("allows only HTTP for a bucket origin", () => {
    expect(problems({ ...valid, origin: { type: "bucket", bucket: "other", protocol: "https" } })).toHaveProperty([
      "origin.protocol",
    ]);
  });

  it("requires replacement text for a replace rewrite", () => {
    expect(problems({ ...valid, prefixRewrite: { action: "replace", with: "" } })).toHaveProperty(["prefixRewrite.with"]);
  });

  it("refuses oversized fields", () => {
    const long = "a".repeat(1025);
    for (const field of ["conditionPrefix", "conditionSuffix", "addressPrefix", "addressSuffix"]) {
      expect(problems({ ...valid, [field]: long }), field).toHaveProperty([field]);
    }
    expect(problems({ ...valid, origin: { type: "url", host: `${"a".repeat(1030)}.com` } })).toHaveProperty(["origin.host"]);
  });

  it("refuses unknown storage classes and modes", () => {
    expect(problems({ ...valid, storageClass: "GLACIER" })).toHaveProperty(["storageClass"]);
    expect(problems({ ...valid, mode: "proxy" })).toHaveProperty(["mode"]);
  });

  it("needs the version when a rule is replaced", () => {
    expect(updateMirrorRuleSchema.safeParse(valid).success).toBe(false);
    expect(updateMirrorRuleSchema.parse({ ...valid, version: 3 }).version).toBe(3);
  });
});
