import { describe, expect, it } from "vitest";
import { isIPv6, parseOriginHost } from "./origin-host";

describe("parseOriginHost", () => {
  it.each([
    ["www.myweb.com", { hostname: "www.myweb.com", kind: "domain", port: null }],
    ["MyWeb.com:8080", { hostname: "myweb.com", kind: "domain", port: 8080 }],
    ["203.0.113.10:65535", { hostname: "203.0.113.10", kind: "ipv4", port: 65535 }],
    ["[2001:db8::1]:8080", { hostname: "2001:db8::1", kind: "ipv6", port: 8080 }],
    ["[::ffff:192.0.2.1]", { hostname: "::ffff:192.0.2.1", kind: "ipv6", port: null }],
  ])("accepts %s", (input, host) => {
    expect(parseOriginHost(input)).toEqual({ ok: true, host });
  });

  it.each([
    ["", /Enter/],
    ["https://a.com", /without http/],
    ["a.com/path", /without a path/],
    ["a.com?x", /without a path/],
    ["user@a.com", /user information/],
    ["a .com", /spaces/],
    ["a.com:0", /1 to 65535/],
    ["a.com:65536", /1 to 65535/],
    ["a.com:http", /1 to 65535/],
    ["2001:db8::1", /brackets/],
    ["[2001:db8::1", /closing/],
    ["[2001:db8::g]", /not a valid IPv6/],
    ["[::1]x", /Only a :port/],
    ["2130706433", /four decimal numbers/],
    ["0x7f.1", /four decimal numbers/],
    ["256.1.1.1", /four decimal numbers/],
    ["-bad-.com", /labels/],
    ["bücher.de", /xn--/],
    [`${"a".repeat(1025)}`, /longer than 1024/],
  ])("refuses %j", (input, problem) => {
    const result = parseOriginHost(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problem).toMatch(problem);
  });
});

describe("isIPv6", () => {
  it.each(["::", "::1", "fe80::1", "2001:db8::1", "1:2:3:4:5:6:7:8", "::ffff:1.2.3.4", "1:2:3:4:5:6:1.2.3.4"])("accepts %s", (a) =>
    expect(isIPv6(a)).toBe(true),
  );
  it.each(["1:2:3:4:5:6:7:8:9", "1::2::3", "1:::2", ":1", "1:", "12345::", "1:2:3:4:5:6:7:1.2.3.4"])("refuses %s", (a) =>
    expect(isIPv6(a)).toBe(false),
  );
});
