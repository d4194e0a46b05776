import { describe, expect, it } from "vitest";
import { computeRulePreview, defaultSampleKey, draftToRule, hostFromPastedUrl } from "./rule-preview";

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
    expect(computeRulePreview({ conditionPrefix: "abc", origin }, "abc/x", "", others).conflict).toBe('Rule #4 (prefix "ab")');
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
    expect(preview.problems.map((problem) => problem.field)).toEqual(["headers.pass", "headers.set"]);
  });

  it("takes the host out of a pasted URL only when what remains is a host", () => {
    expect(hostFromPastedUrl("http://user@cdn.example.com:8080/x?y")).toEqual({ protocol: "http", host: "cdn.example.com:8080" });
    expect(hostFromPastedUrl("ftp://cdn.example.com")).toBeNull();
    expect(hostFromPastedUrl("cdn.example.com")).toBeNull();
  });
});
