import { describe, expect, it } from "vitest";
import { computeRulePreview, defaultSampleKey, draftToRule, hostFromPastedUrl } from "./rule-preview";
import { mirrorRuleSchema } from "./rule-schema";

const origin = { type: "url", protocol: "http", host: "www.myweb.com" } as const;

describe("defaultSampleKey", () => {
  it("builds a key that matches the condition", () => {
    expect(defaultSampleKey()).toBe("myobject.docx");
    expect(defaultSampleKey("abc")).toBe("abc/myobject.docx");
    expect(defaultSampleKey("abc/", ".jpg")).toBe("abc/myobject.jpg");
  });
});

describe("computeRulePreview", () => {
  it("shows the primary, backup and stored key for a matching sample", () => {
    const preview = computeRulePreview(
      { conditionPrefix: "abc", origin, backupOrigin: { type: "url", protocol: "https", host: "backup.com" } },
      "abc/a b.txt",
      "",
      [],
    );
    expect(preview).toMatchObject({
      matches: true,
      primary: "http://www.myweb.com/abc/a%20b.txt",
      backup: "https://backup.com/abc/a%20b.txt",
      storedKey: "abc/a b.txt",
      query: "Not sent.",
      conflict: null,
    });
  });

  it("says why a sample does not match", () => {
    expect(computeRulePreview({ conditionPrefix: "abc", origin }, "xyz/a", "", []).mismatch).toBe('The key does not start with "abc".');
    expect(computeRulePreview({ conditionSuffix: ".jpg", origin }, "a.png", "", []).mismatch).toBe('The key does not end with ".jpg".');
  });

  it("names a conflicting rule, but not the rule being edited", () => {
    const others = [{ id: 4, conditionPrefix: "ab", conditionSuffix: "" }];
    expect(computeRulePreview({ conditionPrefix: "abc", origin }, "abc/x", "", others).conflict).toBe('Overlaps Rule #4 (prefix "ab"): one key could match both rules.');
    expect(computeRulePreview({ conditionPrefix: "abc", origin }, "abc/x", "", others, 4).conflict).toBeNull();
  });

  it("reports the query string that would be sent", () => {
    const draft = { origin, passQueryString: true };
    expect(computeRulePreview(draft, "a", "x=1&authorization=sig", []).query).toBe("Sent: ?x=1");
    expect(computeRulePreview(draft, "a", "", []).query).toMatch(/this sample has none/);
  });

  it("previews half-typed values without throwing", () => {
    const rule = draftToRule({ origin: { type: "url", host: "" }, prefixRewrite: { action: "replace" } as never, headers: { pass: "a, b" } });
    expect(rule.origin).toEqual({ type: "url", protocol: "http", host: "{domain}" });
    expect(rule.prefixRewrite).toEqual({ action: "replace", with: "" });
    expect(rule.headers.pass).toEqual(["a", "b"]);
    expect(computeRulePreview({ mode: "redirect", fixedKey: "404.html", backupOrigin: origin }, "k", "", []).backup).toBeNull();
  });
});

describe("dot segments", () => {
  it("marks a key whose origin path would climb out of the rule's address as refused, as the engine does", () => {
    const draft = { origin: { type: "url" as const, protocol: "https" as const, host: "myweb.com" }, addressPrefix: "public/assets" };
    expect(computeRulePreview(draft, "pub/../../secret/config", "", []).refusal).toMatch(/"\." or "\.\." segment/);
    expect(computeRulePreview(draft, "a..b/.hidden", "", []).refusal).toBeNull();
  });
});

describe("invalid parts of a draft", () => {
  const draft = (fields: Record<string, unknown>) => ({ origin: { type: "url" as const, protocol: "http" as const, host: "www.myweb.com" }, ...fields });

  it("does not show a pasted URL as the address, and offers its host and protocol", () => {
    const preview = computeRulePreview(draft({ origin: { type: "url", protocol: "http", host: "https://www.example.com/files/" } }), "a.txt", "", []);
    expect(preview.primary).toBe("http://{domain}/a.txt");
    expect(preview.problems).toEqual([{ field: "origin.host", message: expect.any(String), hostFix: { protocol: "https", host: "www.example.com" } }]);
  });

  it("marks a backup host that is not a host, without a fix when there is no URL to take it from", () => {
    const preview = computeRulePreview(draft({ backupOrigin: { type: "url", protocol: "http", host: "bad host" } }), "a.txt", "", []);
    expect(preview.problems).toEqual([{ field: "backupOrigin.host", message: expect.any(String) }]);
  });

  it("lists forbidden headers as problems and leaves them out of what is sent", () => {
    const preview = computeRulePreview(draft({ headers: { passAll: false, pass: "Host, x-a", prohibit: "", set: [{ name: "Host", value: "x" }] } }), "a.txt", "", []);
    expect(preview.headers).toBe("Request headers x-a when present.");
    expect(preview.problems.map((problem) => problem.field)).toEqual(["headers.pass", "headers.set.0.name"]);
  });

  it("takes the host out of a pasted URL only when what remains is a host", () => {
    expect(hostFromPastedUrl("http://user@cdn.example.com:8080/x?y")).toEqual({ protocol: "http", host: "cdn.example.com:8080" });
    expect(hostFromPastedUrl("ftp://cdn.example.com")).toBeNull();
    expect(hostFromPastedUrl("cdn.example.com")).toBeNull();
  });
});

describe("the preview marks what the rule schema refuses, from the schema's own issues", () => {
  const draft = (fields: Record<string, unknown>) => ({
    origin: { type: "url" as const, protocol: "http" as const, host: "www.example.com" },
    storageClass: "STANDARD" as const,
    ...fields,
  });
  /** What the form (and the server) would say about the same draft. */
  const schemaSays = (fields: Record<string, unknown>) => mirrorRuleSchema.safeParse(draft(fields)).error?.issues.map((issue) => issue.message) ?? [];

  it("does not show an address for a prefix condition that ends with /", () => {
    const preview = computeRulePreview(draft({ conditionPrefix: "abc/" }), defaultSampleKey("abc/"), "", []);
    expect(preview.problems).toEqual([{ field: "conditionPrefix", message: "The prefix condition cannot end with /." }]);
    expect(preview.problems.map((problem) => problem.message)).toEqual(schemaSays({ conditionPrefix: "abc/" }));
    expect(preview).toMatchObject({ primary: null, backup: null, storedKey: null, addressRefused: "Not shown: a save would refuse the prefix condition." });
  });

  it("names every field that keeps the address from being shown", () => {
    const preview = computeRulePreview(draft({ conditionPrefix: "abc/", fixedKey: "x.html" }), "abc/x", "", []);
    expect(preview.addressRefused).toBe("Not shown: a save would refuse the prefix condition and the fixed filename.");
  });

  it("leaves a header name with a space out of what is sent, and lists it", () => {
    const fields = { headers: { passAll: false, pass: "", prohibit: "", set: [{ name: "bad name", value: "1" }, { name: "x-ok", value: "2" }] } };
    const preview = computeRulePreview(draft(fields), "a.txt", "", []);
    expect(preview.problems).toEqual([{ field: "headers.set.0.name", message: schemaSays(fields)[0] }]);
    expect(preview.headers).toBe("No request headers; always sets x-ok.");
  });

  it("leaves a listed name that is no header name out of what is passed", () => {
    const preview = computeRulePreview(draft({ headers: { passAll: false, pass: "x-a, bad;name", prohibit: "", set: [] } }), "a.txt", "", []);
    expect(preview.problems).toEqual([{ field: "headers.pass", message: '"bad;name" is not a valid header name.' }]);
    expect(preview.headers).toBe("Request headers x-a when present.");
  });

  it("does not count fields that are not filled in yet as problems", () => {
    const empty = { origin: { type: "url" as const, protocol: "http" as const, host: "" }, prefixRewrite: { action: "replace" as const, with: "" } };
    const preview = computeRulePreview(draft(empty), "a.txt", "", []);
    expect(preview.problems).toEqual([]);
    expect(preview.primary).toBe("http://{domain}/a.txt");
  });

  it.each([
    ["10.0.0.1", "10.0.0.1 is a private address"],
    ["localhost:8080", "localhost is a loopback name"],
    ["169.254.169.254", "169.254.169.254 is a link-local (cloud metadata) address"],
    ["[::1]", "::1 is a loopback address"],
  ])("marks %s as refused unless the server's ORIGIN_ALLOWLIST names it, without blocking", (host, reason) => {
    const preview = computeRulePreview(draft({ origin: { type: "url", protocol: "http", host } }), "a.txt", "", []);
    expect(preview.problems).toEqual([]);
    expect(preview.cautions).toEqual([{ field: "origin.host", message: `${reason}: a save refuses it unless the server's ORIGIN_ALLOWLIST setting names it.` }]);
    expect(preview.primary).toBe(`http://${host}/a.txt`);
  });

  it("marks a backup host too, and says nothing of public hosts", () => {
    const backup = { type: "url", protocol: "http", host: "192.168.1.10" };
    expect(computeRulePreview(draft({ backupOrigin: backup }), "a.txt", "", []).cautions.map((caution) => caution.field)).toEqual(["backupOrigin.host"]);
    expect(computeRulePreview(draft({ origin: { type: "url", protocol: "http", host: "203.0.113.10" } }), "a.txt", "", []).cautions).toEqual([]);
  });
});
