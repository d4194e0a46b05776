import Auth from "@baiducloud/sdk/src/auth.js";
import { describe, expect, it } from "vitest";
import { canonicalHeaders, canonicalQuery, canonicalUri, parseAuthorization, signRequest, uriEncode } from "./bce-signature";

const credentials = { accessKeyId: "ak0123456789", secretKey: "sk-secret-0123456789" };
const timestamp = new Date("2026-11-24T10:00:00Z");

describe("bce-auth-v1", () => {
  it("signs exactly as BOS's JavaScript SDK does", () => {
    const sdk = new Auth(credentials.accessKeyId, credentials.secretKey);
    const headers = { host: "127.0.0.1:3000", "content-type": "text/plain", "content-length": "5", "x-bce-date": "2026-11-24T10:00:00Z" };
    const expected = sdk.generateAuthorization("PUT", "/mybucket/dir/k%20v.txt", { mirroring: "" }, headers, timestamp.getTime() / 1000, 1800);
    const ours = signRequest(credentials, { method: "PUT", rawPath: "/mybucket/dir/k%20v.txt", query: [["mirroring", ""]], headers }, { timestamp });
    expect(ours).toBe(expected);
  });

  it("signs every request of one second (one prefix) as the SDK does, whatever secret signed the one before", () => {
    // The signing key is cached by prefix and secret: another secret with the same prefix, or the
    // same prefix again, must give the SDK's signature each time.
    const request = { method: "GET", rawPath: "/mybucket/k", query: [] as [string, string][], headers: { host: "h" } };
    for (const secretKey of [credentials.secretKey, "another-secret-0123", credentials.secretKey]) {
      const sdk = new Auth(credentials.accessKeyId, secretKey);
      const expected = sdk.generateAuthorization("GET", "/mybucket/k", {}, { host: "h" }, timestamp.getTime() / 1000, 1800, ["host"]);
      expect(signRequest({ ...credentials, secretKey }, request, { timestamp, signedHeaders: ["host"] })).toBe(expected);
    }
    const first = signRequest(credentials, request, { timestamp, signedHeaders: ["host"] });
    expect(signRequest({ ...credentials, secretKey: "another-secret-0123" }, request, { timestamp, signedHeaders: ["host"] })).not.toBe(first);
  });

  it("canonicalises the URI, query and headers", () => {
    expect(canonicalUri("/v1/b/a b/(x)!")).toBe("/v1/b/a%20b/%28x%29%21");
    expect(canonicalUri("/v1/b/%E7%8C%AB")).toBe("/v1/b/%E7%8C%AB");
    expect(canonicalQuery([["b", "2"], ["authorization", "x"], ["a", "1 2"], ["mirroring", ""]])).toBe("a=1%202&b=2&mirroring=");
    expect(canonicalHeaders({ host: " h ", "x-bce-date": "d", other: "o", "content-md5": "" }, [])).toEqual({ text: "host:h\nx-bce-date:d", names: ["host", "x-bce-date"] });
    expect(uriEncode("a/b*", true)).toBe("a/b%2A");
  });

  it("parses well-formed authorization strings only", () => {
    const auth = signRequest(credentials, { method: "GET", rawPath: "/", query: [], headers: { host: "h" } }, { timestamp, signedHeaders: ["host"] });
    expect(parseAuthorization(auth)).toMatchObject({ accessKeyId: credentials.accessKeyId, expirationSeconds: 1800, signedHeaders: ["host"], signedAtMs: timestamp.getTime() });
    expect(parseAuthorization("bce-auth-v1/ak/2026-11-24T10:00:00Z/1800//short")).toBeNull();
    expect(parseAuthorization("AWS4-HMAC-SHA256 Credential=x")).toBeNull();
  });
});
