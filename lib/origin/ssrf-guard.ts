/**
 * Which addresses an origin may be: never loopback, private, link-local (cloud metadata),
 * CGNAT, unique-local, IPv4-mapped or otherwise special, unless ORIGIN_ALLOWLIST names the host,
 * the address or a CIDR containing it. Checked when a rule is saved and before every connection the
 * engine makes (checked-connect.ts resolves the name, checks each address, then connects to one).
 */
import { lookup } from "node:dns/promises";
import { BlockList, isIP } from "node:net";
import { parseOriginHost } from "@/lib/mirroring/origin-host";
import { ALLOWLIST_CLAUSE, parseIpAddress, specialAddressReason as specialLiteralReason, specialHostReason } from "./special-address";

/**
 * Why `address` (an IP literal) may not be an origin, or null when it may. The ranges and their
 * names are special-address.ts's, shared with the console's preview; an address Node takes for an
 * IP but that module cannot read is refused rather than let through.
 */
export function specialAddressReason(address: string): string | null {
  if (isIP(address) !== 0 && parseIpAddress(address) === null) return `${address} is an address this service cannot classify`;
  return specialLiteralReason(address);
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
  return reason && `${reason}; ${ALLOWLIST_CLAUSE}`;
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
  const loopbackName = specialHostReason(parsed.host);
  if (loopbackName) return `${loopbackName}; ${ALLOWLIST_CLAUSE}`;
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
