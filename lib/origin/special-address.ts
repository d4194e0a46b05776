/**
 * Which origin hosts are refused unless ORIGIN_ALLOWLIST names them: IP literals in loopback,
 * private, link-local (cloud metadata), CGNAT, unique-local, IPv4-mapped or otherwise special
 * ranges, and loopback names (localhost, *.localhost). Pure and browser-safe: the server's SSRF
 * guard (ssrf-guard.ts) decides with it, and the rule form's preview warns with the same function
 * (it cannot know the allowlist, which only the server reads).
 */
import { isIPv6, type OriginHost } from "@/lib/mirroring/origin-host";

/** What every refusal adds: the one way to allow such an origin. */
export const ALLOWLIST_CLAUSE = "origins must be public unless the ORIGIN_ALLOWLIST setting (an environment variable, read when the server starts) names them";

const SPECIAL_RANGES: [label: string, network: string, prefix: number][] = [
  ["an unspecified", "0.0.0.0", 8],
  ["a private", "10.0.0.0", 8],
  ["a carrier-grade NAT (100.64/10, used for cloud metadata)", "100.64.0.0", 10],
  ["a loopback", "127.0.0.0", 8],
  ["a link-local (cloud metadata)", "169.254.0.0", 16],
  ["a private", "172.16.0.0", 12],
  ["a reserved", "192.0.0.0", 24],
  ["a private", "192.168.0.0", 16],
  ["a benchmarking", "198.18.0.0", 15],
  ["a multicast", "224.0.0.0", 4],
  ["a reserved", "240.0.0.0", 4],
  ["a loopback", "::1", 128],
  ["an unspecified or IPv4-compatible", "::", 96],
  ["an IPv4-mapped", "::ffff:0:0", 96],
  ["a NAT64", "64:ff9b::", 96],
  ["a 6to4", "2002::", 16],
  ["a unique-local", "fc00::", 7],
  ["a link-local", "fe80::", 10],
  ["a multicast", "ff00::", 8],
];

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

interface Parsed {
  family: 4 | 6;
  bits: bigint;
}

function ipv4Bits(address: string): bigint {
  return address.split(".").reduce((bits, octet) => (bits << BigInt(8)) | BigInt(Number(octet)), BigInt(0));
}

/** An IP literal as a number (32 or 128 bits), or null when `address` is not one. */
export function parseIpAddress(address: string): Parsed | null {
  if (IPV4.test(address)) return { family: 4, bits: ipv4Bits(address) };
  // A zone ("fe80::1%eth0") names an interface, not part of the address.
  const plain = address.replace(/%[^%]+$/, "").toLowerCase();
  if (!plain.includes(":") || !isIPv6(plain)) return null;
  const [head = "", tail] = plain.split("::") as [string, string | undefined];
  const groups = (part: string): bigint[] => {
    if (part === "") return [];
    return part.split(":").flatMap((group) => {
      if (!group.includes(".")) return [BigInt(parseInt(group, 16))];
      const v4 = ipv4Bits(group);
      return [v4 >> BigInt(16), v4 & BigInt(0xffff)];
    });
  };
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  const all = [...left, ...Array<bigint>(8 - left.length - right.length).fill(BigInt(0)), ...right];
  return { family: 6, bits: all.reduce((bits, group) => (bits << BigInt(16)) | group, BigInt(0)) };
}

const RANGES = SPECIAL_RANGES.map(([label, network, prefix]) => {
  const parsed = parseIpAddress(network)!;
  const width = parsed.family === 4 ? 32 : 128;
  const shift = BigInt(width - prefix);
  return { label, family: parsed.family, shift, network: parsed.bits >> shift };
});

/** Why `address` (an IP literal) may not be an origin, or null when it may (or is no IP literal). */
export function specialAddressReason(address: string): string | null {
  const parsed = parseIpAddress(address);
  if (!parsed) return null;
  // IPv4-mapped addresses are named plainly, whatever IPv4 address they carry.
  if (parsed.family === 6 && /^::ffff:/i.test(address)) return `${address} is an IPv4-mapped address`;
  const hit = RANGES.find((range) => range.family === parsed.family && parsed.bits >> range.shift === range.network);
  return hit ? `${address} is ${hit.label} address` : null;
}

/** localhost and its subdomains: loopback whatever a resolver says. */
export function loopbackNameReason(hostname: string): string | null {
  return hostname === "localhost" || hostname.endsWith(".localhost") ? `${hostname} is a loopback name` : null;
}

/**
 * Why a save refuses this host unless ORIGIN_ALLOWLIST names it, as far as the host itself tells:
 * a special IP literal or a loopback name. (A domain that resolves to a special address is refused
 * too; only the server can look that up.)
 */
export function specialHostReason(host: OriginHost): string | null {
  return host.kind === "domain" ? loopbackNameReason(host.hostname) : specialAddressReason(host.hostname);
}
