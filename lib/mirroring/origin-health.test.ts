import { describe, expect, it } from "vitest";
import { originHostKey } from "./origin-health";

describe("originHostKey", () => {
  it("names an origin as the engine's gate does: the URL's host, without a default port", () => {
    expect(originHostKey({ type: "url", protocol: "https", host: "Example.COM:443" })).toBe("example.com");
    expect(originHostKey({ type: "url", protocol: "http", host: "example.com:80" })).toBe("example.com");
    expect(originHostKey({ type: "url", protocol: "http", host: "127.0.0.1:8080" })).toBe("127.0.0.1:8080");
    expect(originHostKey({ type: "url", protocol: "http", host: "[::1]:9000" })).toBe("[::1]:9000");
  });

  it("has none for a bucket origin (read locally, no gate) or no origin", () => {
    expect(originHostKey({ type: "bucket", bucket: "other" })).toBeNull();
    expect(originHostKey(null)).toBeNull();
  });
});
