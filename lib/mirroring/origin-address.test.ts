import { describe, expect, it } from "vitest";
import { computeOriginAddress, computeOriginPath, formatOriginTarget, forwardableQuery } from "./origin-address";
import { mirrorRuleSchema, type MirrorRuleInput } from "./rule-schema";

const rule = (overrides: Partial<MirrorRuleInput>) =>
  mirrorRuleSchema.parse({
    origin: { type: "url", protocol: "http", host: "www.myweb.com" },
    storageClass: "STANDARD",
    ...overrides,
  });

const primaryUrl = (overrides: Partial<MirrorRuleInput>, key: string, query = "") =>
  formatOriginTarget(computeOriginAddress(rule(overrides), key, query).primary);

describe("seed cases (mirroring-semantics.md)", () => {
  it("address example: no condition, no rewrite", () => {
    expect(primaryUrl({}, "myobject.docx")).toBe("http://www.myweb.com/myobject.docx");
  });

  it("case 1: prefix condition abc", () => {
    expect(primaryUrl({ conditionPrefix: "abc" }, "abc/myobject.docx")).toBe("http://www.myweb.com/abc/myobject.docx");
  });

  it("case 2: prefix condition abc/aa", () => {
    expect(primaryUrl({ conditionPrefix: "abc/aa" }, "abc/aa/myobject.docx")).toBe(
      "http://www.myweb.com/abc/aa/myobject.docx",
    );
  });

  it("case 3: replace abc with tihuan/edf and address suffix .doc", () => {
    const overrides = { conditionPrefix: "abc", prefixRewrite: { action: "replace", with: "tihuan/edf" }, addressSuffix: ".doc" } as const;
    expect(primaryUrl(overrides, "abc/myobject.docx")).toBe("http://www.myweb.com/tihuan/edf/myobject.doc");
  });

  it("case 4: crop abc/aa and address prefix qianzhui/", () => {
    const overrides = { conditionPrefix: "abc/aa", prefixRewrite: { action: "crop" }, addressPrefix: "qianzhui/" } as const;
    expect(primaryUrl(overrides, "abc/aa/myobject.docx")).toBe("http://www.myweb.com/qianzhui/myobject.docx");
  });

  it("2.2 prefix: address prefix test", () => {
    expect(primaryUrl({ addressPrefix: "test" }, "objectname.doc")).toBe("http://www.myweb.com/test/objectname.doc");
  });

  it("process 1: replace with myobject for every key over https", () => {
    const overrides = {
      origin: { type: "url", protocol: "https", host: "myweb.com" },
      prefixRewrite: { action: "replace", with: "myobject" },
    } as const;
    expect(primaryUrl(overrides, "a/b.png")).toBe("https://myweb.com/myobject/a/b.png");
  });

  it("process 2: primary and backup addresses", () => {
    const address = computeOriginAddress(
      rule({
        conditionPrefix: "examplefolder",
        prefixRewrite: { action: "replace", with: "myobject" },
        origin: { type: "url", protocol: "https", host: "myweb.com" },
        backupOrigin: { type: "url", protocol: "https", host: "backup.com" },
      }),
      "examplefolder/x.docx",
    );
    expect(formatOriginTarget(address.primary)).toBe("https://myweb.com/myobject/x.docx");
    expect(address.backup && formatOriginTarget(address.backup)).toBe("https://backup.com/myobject/x.docx");
  });

  it("process 3: bucket origin, stored under the requested key", () => {
    const address = computeOriginAddress(
      rule({
        conditionPrefix: "folderA",
        prefixRewrite: { action: "replace", with: "folderB" },
        origin: { type: "bucket", bucket: "bucketb" },
        passQueryString: true,
        headers: { pass: ["header1", "header2"] },
      }),
      "folderA/example.docx",
      "x=1",
    );
    expect(address.primary).toEqual({ kind: "bucket", bucket: "bucketb", key: "folderB/example.docx", query: "x=1" });
    expect(address.storedKey).toBe("folderA/example.docx");
  });
});

describe("edge cases", () => {
  it("percent-encodes spaces, %, #, ?, + and non-ASCII text per segment", () => {
    expect(primaryUrl({}, "dir one/50% #1?+.txt")).toBe("http://www.myweb.com/dir%20one/50%25%20%231%3F%2B.txt");
    expect(primaryUrl({}, "照片/猫.jpg")).toBe("http://www.myweb.com/%E7%85%A7%E7%89%87/%E7%8C%AB.jpg");
  });

  it("keeps an IPv6 host with a port in brackets", () => {
    const overrides = { origin: { type: "url", protocol: "http", host: "[2001:db8::1]:8080" } } as const;
    expect(primaryUrl(overrides, "a.txt")).toBe("http://[2001:db8::1]:8080/a.txt");
  });

  it("treats an empty replacement like crop", () => {
    const base = rule({ conditionPrefix: "abc" });
    const replaced = { ...base, prefixRewrite: { action: "replace" as const, with: "" } };
    expect(computeOriginPath(replaced, "abc/x.txt")).toBe("x.txt");
    expect(computeOriginPath({ ...base, prefixRewrite: { action: "crop" } }, "abc/x.txt")).toBe("x.txt");
  });

  it("replaces a prefix at a non-/ boundary as plain text", () => {
    const overrides = { conditionPrefix: "img", prefixRewrite: { action: "replace", with: "pic" } } as const;
    expect(primaryUrl(overrides, "img123.jpg")).toBe("http://www.myweb.com/pic123.jpg");
  });

  it("crops at a non-/ boundary", () => {
    expect(primaryUrl({ conditionPrefix: "img", prefixRewrite: { action: "crop" } }, "img123.jpg")).toBe(
      "http://www.myweb.com/123.jpg",
    );
  });

  it("appends a suffix to a key without an extension", () => {
    expect(primaryUrl({ addressSuffix: ".txt" }, "docs/readme")).toBe("http://www.myweb.com/docs/readme.txt");
  });

  it("uses only the last segment's extension", () => {
    expect(primaryUrl({ addressSuffix: ".txt" }, "v1.2/readme")).toBe("http://www.myweb.com/v1.2/readme.txt");
  });

  it("replaces the extension with a suffix that has no dot", () => {
    expect(primaryUrl({ addressSuffix: "_thumb" }, "photos/cat.jpg")).toBe("http://www.myweb.com/photos/cat_thumb");
  });

  it("replaces the condition suffix rather than the extension when one is set", () => {
    expect(primaryUrl({ conditionSuffix: ".tar.gz", addressSuffix: ".tgz" }, "a/b.tar.gz")).toBe(
      "http://www.myweb.com/a/b.tgz",
    );
  });

  it("sends a fixed filename in redirect mode whatever the key", () => {
    expect(primaryUrl({ mode: "redirect", fixedKey: "errors/404.html", addressPrefix: "ignored" }, "a/b.png")).toBe(
      "http://www.myweb.com/errors/404.html",
    );
  });

  it("adds the query string only when the rule passes it, minus signature parameters", () => {
    expect(primaryUrl({}, "a.txt", "x=1")).toBe("http://www.myweb.com/a.txt");
    expect(primaryUrl({ passQueryString: true }, "a.txt", "x=1&authorization=bce-auth-v1%2Fak&y=%20")).toBe(
      "http://www.myweb.com/a.txt?x=1&y=%20",
    );
    expect(forwardableQuery("Authorization=1&%zz=2")).toBe("%zz=2");
  });

  it("has no backup address in redirect mode", () => {
    const address = computeOriginAddress(rule({ mode: "redirect" }), "a.txt");
    expect(address.backup).toBeNull();
  });
});
