import { describe, expect, it } from "vitest";
import { clientAddress, clientProtocol, normalizeAddress, parseTrustProxy, trustProxyProblem } from "./client-address";

const NONE = parseTrustProxy("");
const ONE_HOP = parseTrustProxy("1");
const TWO_HOPS = parseTrustProxy("2");
const PROXIES = parseTrustProxy("10.0.0.0/8, 192.0.2.7, 2001:db8::/32");

describe("TRUST_PROXY", () => {
  it.each(["", " ", "0", "1", "3", "10.0.0.1", "10.0.0.0/8", "10.0.0.0/8,192.168.1.1", "::1", "2001:db8::/32", "loopback", "loopback, uniquelocal", "LinkLocal"])(
    "accepts %j",
    (value) => expect(trustProxyProblem(value)).toBeNull(),
  );

  it.each(["true", "yes", "-1", "1.5", "99", "10.0.0.0/33", "::/129", "10.0.0.0/8/1", "10.0.0.0/x", "300.1.1.1", "10.0.0.1,", "localhost", "10.0.0.0/8 192.168.0.1"])(
    "refuses %j with a message",
    (value) => expect(trustProxyProblem(value)).toMatch(/./),
  );
});

describe("normalizeAddress", () => {
  it.each([
    ["203.0.113.9", "203.0.113.9"],
    [" 203.0.113.9 ", "203.0.113.9"],
    ["203.0.113.9:5678", "203.0.113.9"],
    ["::ffff:203.0.113.9", "203.0.113.9"],
    ["[2001:DB8::1]:443", "2001:db8::1"],
    ["2001:db8::1", "2001:db8::1"],
    ["fe80::1%eth0", "fe80::1"],
  ])("%j is %j", (raw, expected) => expect(normalizeAddress(raw)).toBe(expected));

  it.each(["", "unknown", "evil.example", "1.2.3", "<script>", "1.2.3.4, 5.6.7.8"])("%j is not an address", (raw) => expect(normalizeAddress(raw)).toBeNull());
});

describe("clientAddress", () => {
  it("is the socket peer when no proxy is trusted, whatever X-Forwarded-For says", () => {
    expect(clientAddress("198.51.100.4", "203.0.113.1", NONE)).toBe("198.51.100.4");
    expect(clientAddress("::ffff:198.51.100.4", ["203.0.113.1", "203.0.113.2"], NONE)).toBe("198.51.100.4");
    expect(clientAddress("198.51.100.4", undefined, ONE_HOP)).toBe("198.51.100.4");
  });

  it("with a hop count, takes the address the last trusted proxy appended, not what the client wrote", () => {
    // The client sent "X-Forwarded-For: 203.0.113.1" (a lie); the proxy appended its real peer.
    expect(clientAddress("10.0.0.2", "203.0.113.1, 198.51.100.4", ONE_HOP)).toBe("198.51.100.4");
    expect(clientAddress("10.0.0.2", "198.51.100.4", ONE_HOP)).toBe("198.51.100.4");
    expect(clientAddress("10.0.0.2", "203.0.113.1, 198.51.100.4, 10.0.0.3", TWO_HOPS)).toBe("198.51.100.4");
    expect(clientAddress("10.0.0.2", ["203.0.113.1", "198.51.100.4, 10.0.0.3"], TWO_HOPS)).toBe("198.51.100.4");
    // Fewer addresses than hops: the leftmost one the proxies reported.
    expect(clientAddress("10.0.0.2", "198.51.100.4", TWO_HOPS)).toBe("198.51.100.4");
  });

  it("with proxy addresses, walks right to left past trusted proxies only", () => {
    expect(clientAddress("10.1.2.3", "203.0.113.1, 198.51.100.4, 192.0.2.7", PROXIES)).toBe("198.51.100.4");
    expect(clientAddress("10.1.2.3", "198.51.100.4, 10.9.9.9", PROXIES)).toBe("198.51.100.4");
    // A peer that is not a trusted proxy is the client, whatever it forwards.
    expect(clientAddress("198.51.100.99", "203.0.113.1", PROXIES)).toBe("198.51.100.99");
    expect(clientAddress("2001:db8::5", "2001:db9::1", PROXIES)).toBe("2001:db9::1");
    // Only trusted proxies all the way: the leftmost address is the client.
    expect(clientAddress("10.1.2.3", "10.4.5.6", PROXIES)).toBe("10.4.5.6");
  });

  it("stops at an entry that is not an address, keeping the last trusted report", () => {
    expect(clientAddress("10.0.0.2", "garbage", ONE_HOP)).toBe("10.0.0.2");
    expect(clientAddress("10.1.2.3", "203.0.113.1, nonsense, 192.0.2.7", PROXIES)).toBe("192.0.2.7");
    expect(clientAddress(undefined, "203.0.113.1", NONE)).toBe("unknown");
    expect(clientAddress(undefined, "203.0.113.1", PROXIES)).toBe("unknown");
  });

  it("keyword ranges cover the usual proxy networks", () => {
    const local = parseTrustProxy("loopback,uniquelocal");
    expect(clientAddress("127.0.0.1", "172.20.0.5, 198.51.100.4", local)).toBe("198.51.100.4");
    expect(clientAddress("::1", "198.51.100.4", local)).toBe("198.51.100.4");
  });
});

describe("clientProtocol", () => {
  it("is https on our own TLS socket, whatever the headers say", () => {
    expect(clientProtocol(true, "203.0.113.1", "http", NONE)).toBe("https");
  });

  it("ignores X-Forwarded-Proto unless the socket peer is a trusted proxy", () => {
    expect(clientProtocol(false, "203.0.113.1", "https", NONE)).toBe("http");
    expect(clientProtocol(false, "203.0.113.1", "https", PROXIES)).toBe("http");
    expect(clientProtocol(false, "10.1.2.3", "https", PROXIES)).toBe("https");
    expect(clientProtocol(false, "10.1.2.3", undefined, PROXIES)).toBe("http");
    expect(clientProtocol(false, "::ffff:192.0.2.7", ["HTTPS"], PROXIES)).toBe("https");
    expect(clientProtocol(false, undefined, "https", ONE_HOP)).toBe("http");
  });

  it("takes the first entry of a proxied list (the protocol the outermost proxy saw)", () => {
    expect(clientProtocol(false, "127.0.0.1", "https, http", ONE_HOP)).toBe("https");
    expect(clientProtocol(false, "127.0.0.1", "http, https", TWO_HOPS)).toBe("http");
    expect(clientProtocol(false, "127.0.0.1", "gopher", ONE_HOP)).toBe("http");
  });
});
