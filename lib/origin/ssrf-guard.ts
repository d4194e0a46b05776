/**
 * Which addresses an origin may be: never loopback, private, link-local (cloud metadata),
 * CGNAT, unique-local, IPv4-mapped or otherwise special, unless ORIGIN_ALLOWLIST names the host,
 * the address or a CIDR containing it. Checked when a rule is saved and before every connection the
 * engine makes (checked-connect.ts resolves the name, checks each address, then connects to one).
 */
import { lookup } from "node:dns/promises";
import { BlockList, isIP } from "node:net";
import { parseOriginHost } from "@/lib/mirroring/origin-host";

const SPECIAL_RANGES: [string, string, number, "ipv4" | "ipv6"][] = [
  ["an unspecified", "0.0.0.0", 8, "ipv4"],
  ["a private", "10.0.0.0", 8, "ipv4"],
  ["a carrier-grade NAT (100.64/10, used for cloud metadata)", "100.64.0.0", 10, "ipv4"],
  ["a loopback", "127.0.0.0", 8, "ipv4"],
  ["a link-local (cloud metadata)", "169.254.0.0", 16, "ipv4"],
  ["a private", "172.16.0.0", 12, "ipv4"],
  ["a reserved", "192.0.0.0", 24, "ipv4"],
  ["a private", "192.168.0.0", 16, "ipv4"],
  ["a benchmarking", "198.18.0.0", 15, "ipv4"],
  ["a multicast", "224.0.0.0", 4, "ipv4"],
  ["a reserved", "240.0.0.0", 4, "ipv4"],
  ["a loopback", "::1", 128, "ipv6"],
  ["an unspecified or IPv4-compatible", "::", 96, "ipv6"],
  ["an IPv4-mapped", "::ffff:0:0", 96, "ipv6"],
  ["a NAT64", "64:ff9b::", 96, "ipv6"],
  ["a 6to4", "2002::", 16, "ipv6"],
  ["a unique-local", "fc00::", 7, "ipv6"],
  ["a link-local", "fe80::", 10, "ipv6"],
  ["a multicast", "ff00::", 8, "ipv6"],
];

const RANGE_LISTS = SPECIAL_RANGES.map(([label, network, prefix, type]) => {
  const list = new BlockList();
  list.addSubnet(network, prefix, type);
  return { label, list, type };
});

/** Why `address` (an IP literal) may not be an origin, or null when it may. */
export function specialAddressReason(address: string): string | null {
  const family = isIP(address);
  if (family === 0) return null;
  const type = family === 4 ? "ipv4" : "ipv6";
  // BlockList also matches IPv4 rules against IPv4-mapped IPv6 addresses; name those plainly.
  if (type === "ipv6" && /^::ffff:/i.test(address)) return `${address} is an IPv4-mapped address`;
  const hit = RANGE_LISTS.find((range) => range.type === type && range.list.check(address, type));
  return hit ? `${address} is ${hit.label} address` : null;
}

export class OriginAllowlist {
  private readonly hosts = new Set<string>();
  private readonly addresses = new BlockList();

  constructor(entries: readonly string[]) {
    for (const entry of entries) {
      const [network, prefix] = entry.split("/");
      const family = isIP(network ?? "");
      if (family !== 0) {
        const type = family === 4 ? "ipv4" : "ipv6";
        if (prefix === undefined) this.addresses.addAddress(network!, type);
        else this.addresses.addSubnet(network!, Number(prefix), type);
      } else this.hosts.add(entry.toLowerCase());
    }
  }

  allowsHost(hostname: string): boolean {
    return this.hosts.has(hostname.toLowerCase());
  }

  allowsAddress(address: string): boolean {
    const family = isIP(address);
    return family !== 0 && this.addresses.check(address, family === 4 ? "ipv4" : "ipv6");
  }
}

/** Why a connection to `address`, made for `hostname`, is refused; null when it is allowed. */
export function connectionRefusal(allowlist: OriginAllowlist, hostname: string, address: string): string | null {
  if (allowlist.allowsHost(hostname) || allowlist.allowsAddress(address)) return null;
  const reason = specialAddressReason(address);
  return reason && `${reason}; origins must be public unless the ORIGIN_ALLOWLIST setting (an environment variable, read when the server starts) names them`;
}

const LOOKUP_TIMEOUT_MS = 2_000;

/**
 * The save-time check of an origin host (domain, IPv4 or [IPv6], optional port). A name that does
 * not resolve now is accepted: the origin may not exist yet, and every connection is checked again.
 */
export async function originHostRefusal(allowlist: OriginAllowlist, host: string): Promise<string | null> {
  const parsed = parseOriginHost(host);
  if (!parsed.ok) return parsed.problem;
  const { hostname, kind } = parsed.host;
  if (allowlist.allowsHost(hostname)) return null;
  if (kind !== "domain") return connectionRefusal(allowlist, hostname, hostname);
  if (hostname === "localhost" || hostname.endsWith(".localhost")) {
    return `${hostname} is a loopback name; origins must be public unless the ORIGIN_ALLOWLIST setting (an environment variable, read when the server starts) names them`;
  }
  const addresses = await Promise.race([
    lookup(hostname, { all: true, verbatim: true }).catch(() => []),
    new Promise<[]>((resolve) => setTimeout(() => resolve([]), LOOKUP_TIMEOUT_MS).unref()),
  ]);
  for (const { address } of addresses) {
    const refusal = connectionRefusal(allowlist, hostname, address);
    if (refusal) return `${hostname} resolves to ${refusal}`;
  }
  return null;
}
