/**
 * Syntax of a back-to-origin host: a domain, a dotted IPv4 address or a bracketed IPv6 address,
 * with an optional port. Runs in the browser and on the server (no Node APIs).
 */
import { MAX_HOST_LENGTH } from "./limits";

export interface OriginHost {
  /** Host name or address without brackets, lower-cased. */
  hostname: string;
  kind: "domain" | "ipv4" | "ipv6";
  port: number | null;
}

const DOMAIN_LABEL = /^(?!-)[a-z0-9_-]{1,63}(?<!-)$/;
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

export type HostParseResult = { ok: true; host: OriginHost } | { ok: false; problem: string };

export function parseOriginHost(input: string): HostParseResult {
  const fail = (problem: string): HostParseResult => ({ ok: false, problem });
  if (input.length === 0) return fail("Enter the origin's domain name or IP address.");
  if (input.length > MAX_HOST_LENGTH) return fail(`The host is longer than ${MAX_HOST_LENGTH} characters.`);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(input)) {
    return fail("Enter the host without http:// or https://; choose the protocol separately.");
  }
  if (/\s/.test(input)) return fail("The host cannot contain spaces.");
  if (input.includes("@")) return fail("The host cannot contain user information (user@).");
  if (/[/?#\\]/.test(input)) return fail("Enter only a host and optional port, without a path or query.");

  let hostPart = input;
  let portPart: string | null = null;
  if (input.startsWith("[")) {
    const close = input.indexOf("]");
    if (close < 0) return fail("An IPv6 address needs a closing ].");
    hostPart = input.slice(0, close + 1);
    const rest = input.slice(close + 1);
    if (rest !== "") {
      if (!rest.startsWith(":")) return fail("Only a :port may follow an IPv6 address.");
      portPart = rest.slice(1);
    }
  } else {
    const colons = input.split(":").length - 1;
    if (colons > 1) return fail("Write an IPv6 address in brackets, e.g. [2001:db8::1]:8080.");
    if (colons === 1) [hostPart, portPart] = input.split(":") as [string, string];
  }

  let port: number | null = null;
  if (portPart !== null) {
    if (!/^\d{1,5}$/.test(portPart) || Number(portPart) < 1 || Number(portPart) > 65535) {
      return fail("The port must be a number from 1 to 65535.");
    }
    port = Number(portPart);
  }

  if (hostPart.startsWith("[")) {
    const address = hostPart.slice(1, -1).toLowerCase();
    if (!isIPv6(address)) return fail(`${address || "[]"} is not a valid IPv6 address.`);
    return { ok: true, host: { hostname: address, kind: "ipv6", port } };
  }

  const hostname = hostPart.toLowerCase();
  if (IPV4.test(hostname)) return { ok: true, host: { hostname, kind: "ipv4", port } };
  // Anything else whose last label is numeric would be read by URL parsers as an IPv4 address
  // in another notation (2130706433, 0x7f.1): refuse it rather than guess.
  const labels = hostname.replace(/\.$/, "").split(".");
  if (/^(0x[0-9a-f]*|\d+)$/.test(labels[labels.length - 1] ?? "")) {
    return fail("Write an IPv4 address as four decimal numbers, e.g. 203.0.113.10.");
  }
  if (hostname.length > 253) return fail("A domain name has at most 253 characters.");
  if (/[^\x00-\x7f]/.test(hostname)) return fail("Use the ASCII (xn--) form of an internationalised domain.");
  if (!labels.every((label) => DOMAIN_LABEL.test(label))) {
    return fail("A domain uses letters, digits and hyphens, in dot-separated labels of at most 63 characters.");
  }
  return { ok: true, host: { hostname, kind: "domain", port } };
}

/** RFC 4291 text form, including an embedded IPv4 tail ("::ffff:192.0.2.1"). */
export function isIPv6(address: string): boolean {
  const halves = address.split("::");
  if (halves.length > 2) return false;
  const groups = halves.map((half) => (half === "" ? [] : half.split(":")));
  const all = groups.flat();
  let count = all.length;
  const last = all[all.length - 1];
  if (last?.includes(".")) {
    if (!IPV4.test(last)) return false;
    all.pop();
    count += 1; // an IPv4 tail stands for two groups
  }
  if (!all.every((group) => /^[0-9a-f]{1,4}$/i.test(group))) return false;
  return halves.length === 2 ? count <= 7 : count === 8;
}
