import { describe, expect, it } from "vitest";
import { fromBosRule, parseSourceUrl, toBosRule } from "./bos-json";
import { mirrorRuleSchema } from "./rule-schema";

describe("BOS JSON translation", () => {
  it("reads every BOS field", () => {
    const rule = mirrorRuleSchema.parse(
      fromBosRule(
        {
          mode: "fetch",
          resource: "examplefolder*.docx",
          sourceUrl: "https://myweb.com",
          backSourceUrl: "backup.com:8080",
          version: "v2",
          prefixReplace: "myobject",
          prefix: "pre",
          suffix: ".doc",
          passQuerystring: true,
          storageClass: "COLD",
          passHeaders: ["header1"],
          ignoreHeaders: ["cookie"],
          customHeaders: [{ headerName: "x-from", headerValue: "bos" }],
        },
        "STANDARD",
      ),
    );
    expect(rule).toMatchObject({
      mode: "fetch",
      conditionPrefix: "examplefolder",
      conditionSuffix: ".docx",
      origin: { type: "url", protocol: "https", host: "myweb.com" },
      backupOrigin: { type: "url", protocol: "http", host: "backup.com:8080" },
      prefixRewrite: { action: "replace", with: "myobject" },
      addressPrefix: "pre",
      addressSuffix: ".doc",
      passQueryString: true,
      storageClass: "COLD",
      headers: { passAll: false, pass: ["header1"], prohibit: ["cookie"], set: [{ name: "x-from", value: "bos" }] },
    });
  });

  it("maps defaults, * resources, crop, pass-all and bos:// origins", () => {
    const rule = mirrorRuleSchema.parse(
      fromBosRule({ resource: "*", sourceUrl: "bos://bucket-b", version: "v2", prefixReplace: "", passHeaders: ["*"], passQueryString: true }, "MAZ_STANDARD"),
    );
    expect(rule).toMatchObject({
      mode: "fetch",
      conditionPrefix: "",
      conditionSuffix: "",
      origin: { type: "bucket", bucket: "bucket-b" },
      prefixRewrite: { action: "crop" },
      storageClass: "MAZ_STANDARD",
      passQueryString: true,
      headers: { passAll: true, pass: [] },
    });
  });

  it("refuses prefixReplace without version v2 and a resource with two stars", () => {
    expect(() => fromBosRule({ sourceUrl: "a.com", prefixReplace: "x" }, "STANDARD")).toThrow(/version/);
    expect(() => fromBosRule({ sourceUrl: "a.com", resource: "a*b*c" }, "STANDARD")).toThrow(/more than one/);
  });

  it("parses source URLs", () => {
    expect(parseSourceUrl("myweb.com")).toEqual({ type: "url", protocol: "http", host: "myweb.com" });
    expect(parseSourceUrl("HTTPS://myweb.com/")).toEqual({ type: "url", protocol: "https", host: "myweb.com" });
    expect(parseSourceUrl("ftp://x")).toMatchObject({ protocol: "ftp" });
  });

  it("round-trips through BOS JSON", () => {
    const original = mirrorRuleSchema.parse({
      mode: "redirect",
      conditionPrefix: "a",
      conditionSuffix: ".jpg",
      origin: { type: "url", protocol: "https", host: "x.com" },
      prefixRewrite: { action: "crop" },
      fixedKey: "404.jpg",
      storageClass: "STANDARD_IA",
      headers: { passAll: true },
    });
    expect(mirrorRuleSchema.parse(fromBosRule(toBosRule(original), "STANDARD"))).toEqual(original);
  });
});
