import { BlockList, isIP } from "node:net";
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

describe("special-address.ts agrees with Node's BlockList", () => {
  // The ranges were checked with node:net's BlockList before they moved to a browser-safe module;
  // this keeps the pure matcher honest against it on addresses at and around every boundary.
  const ranges: [string, number, "ipv4" | "ipv6"][] = [
    ["0.0.0.0", 8, "ipv4"], ["10.0.0.0", 8, "ipv4"], ["100.64.0.0", 10, "ipv4"], ["127.0.0.0", 8, "ipv4"], ["169.254.0.0", 16, "ipv4"],
    ["172.16.0.0", 12, "ipv4"], ["192.0.0.0", 24, "ipv4"], ["192.168.0.0", 16, "ipv4"], ["198.18.0.0", 15, "ipv4"], ["224.0.0.0", 4, "ipv4"],
    ["240.0.0.0", 4, "ipv4"], ["::1", 128, "ipv6"], ["::", 96, "ipv6"], ["::ffff:0:0", 96, "ipv6"], ["64:ff9b::", 96, "ipv6"],
    ["2002::", 16, "ipv6"], ["fc00::", 7, "ipv6"], ["fe80::", 10, "ipv6"], ["ff00::", 8, "ipv6"],
  ];
  // One list per family: a BlockList matches an IPv4 address against IPv4-mapped IPv6 rules too.
  const lists = { ipv4: new BlockList(), ipv6: new BlockList() };
  for (const [network, prefix, type] of ranges) lists[type].addSubnet(network, prefix, type);
  const samples = [
    "9.255.255.255", "10.0.0.0", "10.255.255.255", "11.0.0.0", "100.63.255.255", "100.64.0.0", "100.127.255.255", "100.128.0.0",
    "126.255.255.255", "127.0.0.1", "128.0.0.0", "169.253.255.255", "169.254.169.254", "169.255.0.0", "172.15.255.255", "172.16.0.0",
    "172.31.255.255", "172.32.0.0", "191.255.255.255", "192.0.0.8", "192.0.1.0", "192.167.255.255", "192.168.0.1", "192.169.0.0",
    "198.17.255.255", "198.18.0.0", "198.19.255.255", "198.20.0.0", "223.255.255.255", "224.0.0.1", "239.255.255.255", "255.255.255.255",
    "8.8.8.8", "203.0.113.10", "::2", "::1", "::", "::0.0.0.1", "::ffff:0:1", "0:0:0:0:0:ffff:7f00:1", "64:ff9b::1.2.3.4", "64:ff9b:0:0:1::",
    "2001:db8::1", "2002::1", "2003::", "fbff::1", "fc00::", "fdff:ffff::1", "fe00::", "fe7f::1", "fe80::1", "febf::1", "fec0::1", "ff02::1",
    "2606:4700::1111", "1::", "1:2:3:4:5:6:7:8",
  ];
  it.each(samples)("%s", (address) => {
    const type = isIP(address) === 4 ? "ipv4" : "ipv6";
    expect(specialAddressReason(address) !== null).toBe(lists[type].check(address, type));
  });
});
