import { describe, expect, it } from "vitest";
import { OriginAllowlist, connectionRefusal, originHostRefusal, specialAddressReason } from "./ssrf-guard";

describe("specialAddressReason", () => {
  it.each([
    ["127.0.0.1", "loopback"],
    ["127.255.0.9", "loopback"],
    ["10.1.2.3", "private"],
    ["172.16.0.1", "private"],
    ["172.31.255.255", "private"],
    ["192.168.1.1", "private"],
    ["169.254.169.254", "link-local"],
    ["100.64.0.1", "carrier-grade NAT"],
    ["100.100.100.200", "carrier-grade NAT"],
    ["0.0.0.0", "unspecified"],
    ["224.0.0.1", "multicast"],
    ["::1", "loopback"],
    ["::", "unspecified"],
    ["::ffff:127.0.0.1", "IPv4-mapped"],
    ["::ffff:8.8.8.8", "IPv4-mapped"],
    ["fc00::1", "unique-local"],
    ["fd12:3456::1", "unique-local"],
    ["fe80::1", "link-local"],
  ])("refuses %s (%s)", (address, kind) => {
    expect(specialAddressReason(address)).toContain(kind);
  });

  it.each(["8.8.8.8", "172.32.0.1", "100.128.0.1", "203.0.113.10", "2606:4700::1111"])("allows public %s", (address) => {
    expect(specialAddressReason(address)).toBeNull();
  });
});

describe("OriginAllowlist", () => {
  const allowlist = new OriginAllowlist(["127.0.0.1", "10.0.0.0/8", "legacy.internal", "fd00::/8"]);

  it("admits named addresses, CIDRs and host names", () => {
    expect(connectionRefusal(allowlist, "x", "127.0.0.1")).toBeNull();
    expect(connectionRefusal(allowlist, "x", "10.9.8.7")).toBeNull();
    expect(connectionRefusal(allowlist, "legacy.internal", "192.168.0.5")).toBeNull();
    expect(connectionRefusal(allowlist, "x", "fd00::5")).toBeNull();
  });

  it("still refuses everything else", () => {
    expect(connectionRefusal(allowlist, "x", "127.0.0.2")).toMatch(/loopback.*ORIGIN_ALLOWLIST setting \(an environment variable, read when the server starts\)/);
    expect(connectionRefusal(allowlist, "x", "169.254.169.254")).toMatch(/link-local/);
  });
});

describe("originHostRefusal (when a rule is saved)", () => {
  const none = new OriginAllowlist([]);
  it.each(["127.0.0.1", "127.0.0.1:8080", "[::1]", "[::ffff:127.0.0.1]", "169.254.169.254", "10.0.0.1", "172.16.0.1", "192.168.0.1", "100.100.100.200", "[fc00::1]", "[fe80::1]", "localhost", "api.localhost"])(
    "refuses %s",
    async (host) => {
      expect(await originHostRefusal(none, host)).not.toBeNull();
    },
  );

  it("refuses other spellings of an address as malformed", async () => {
    expect(await originHostRefusal(none, "0x7f.1")).toMatch(/four decimal numbers/);
    expect(await originHostRefusal(none, "2130706433")).toMatch(/four decimal numbers/);
  });

  it("accepts public addresses, names that do not resolve yet, and allowlisted hosts", async () => {
    expect(await originHostRefusal(none, "203.0.113.10")).toBeNull();
    expect(await originHostRefusal(none, "origin.invalid")).toBeNull();
    expect(await originHostRefusal(new OriginAllowlist(["127.0.0.1"]), "127.0.0.1:9000")).toBeNull();
    expect(await originHostRefusal(new OriginAllowlist(["localhost"]), "localhost")).toBeNull();
  });
});
