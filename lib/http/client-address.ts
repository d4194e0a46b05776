/**
 * Who the client is, for sign-in throttling and logs. Pure (node:net's address parsing only).
 *
 * `X-Forwarded-For` is written by whoever sends the request, so by itself it proves nothing: the
 * client is the socket's peer. Only when TRUST_PROXY says that peer is a proxy of ours is the
 * header read, right to left (each proxy appends the address it received from), past the trusted
 * proxies and no further. TRUST_PROXY is either a hop count ("1": one proxy in front, the client
 * is the last address it appended) or a comma-separated list of proxy addresses and CIDR ranges
 * ("10.0.0.0/8, 192.0.2.7", plus the names loopback, linklocal and uniquelocal).
 */
import { BlockList, isIP } from "node:net";

/** The internal request header carrying the address server.ts chose; any copy a client sends is deleted first. */
export const CLIENT_ADDRESS_HEADER = "x-bos-client-address";
/** The internal request header saying whether the client reached us over HTTPS ("https" or "http"), written like the address. */
export const CLIENT_PROTOCOL_HEADER = "x-bos-client-proto";

export type TrustProxy =
  | { kind: "none" }
  | { kind: "hops"; hops: number }
  | { kind: "addresses"; list: BlockList };

const NAMED_RANGES: Record<string, string[]> = {
  loopback: ["127.0.0.0/8", "::1/128"],
  linklocal: ["169.254.0.0/16", "fe80::/10"],
  uniquelocal: ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"],
};

/** A problem with a TRUST_PROXY value, or null when it is valid (lib/env.ts reports it at start). */
export function trustProxyProblem(value: string): string | null {
  try {
    parseTrustProxy(value);
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

/** Parses TRUST_PROXY once; throws with a message naming the bad part. */
export function parseTrustProxy(value: string): TrustProxy {
  const text = value.trim();
  if (text === "" || text === "0") return { kind: "none" };
  if (/^\d+$/.test(text)) {
    const hops = Number(text);
    if (hops > 32) throw new Error(`a hop count of ${text} is implausible; use the number of proxies in front of the server`);
    return { kind: "hops", hops };
  }
  const list = new BlockList();
  for (const entry of text.split(",").map((part) => part.trim())) {
    if (entry === "") throw new Error(`"${value}" has an empty entry`);
    for (const range of NAMED_RANGES[entry.toLowerCase()] ?? [entry]) addRange(list, range);
  }
  return { kind: "addresses", list };
}

function addRange(list: BlockList, range: string): void {
  const [address = "", prefix, extra] = range.split("/");
  const family = isIP(address);
  const problem = `"${range}" is not a hop count, an IP address, a CIDR range (10.0.0.0/8) or loopback/linklocal/uniquelocal`;
  if (family === 0 || extra !== undefined) throw new Error(problem);
  const type = family === 4 ? "ipv4" : "ipv6";
  if (prefix === undefined) return list.addAddress(address, type);
  const bits = Number(prefix);
  if (!/^\d{1,3}$/.test(prefix) || bits > (family === 4 ? 32 : 128)) throw new Error(problem);
  list.addSubnet(address, bits, type);
}

/**
 * An address as written by a socket or a proxy, reduced to the bare IP: `[::1]:80` and
 * `203.0.113.9:5678` (some proxies add the port) and `::ffff:203.0.113.9` (an IPv4 client on a
 * dual-stack socket) all name one client. Null when it is not an IP address at all.
 */
export function normalizeAddress(raw: string): string | null {
  let address = raw.trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(address);
  if (bracketed) address = bracketed[1]!;
  else if (/^[\d.]+:\d+$/.test(address)) address = address.slice(0, address.lastIndexOf(":"));
  address = address.replace(/%.*$/, ""); // an IPv6 zone ("fe80::1%eth0") is local detail
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) address = mapped[1]!;
  const family = isIP(address);
  if (family === 0) return null;
  return family === 6 ? address.toLowerCase() : address;
}

function isTrusted(trust: TrustProxy, address: string, position: number): boolean {
  if (trust.kind === "hops") return position < trust.hops;
  if (trust.kind === "addresses" && isIP(address) !== 0) return trust.list.check(address, isIP(address) === 4 ? "ipv4" : "ipv6");
  return false;
}

/**
 * The client's address: the socket peer, or, when the peer is a trusted proxy, the address it
 * forwarded, and so on leftwards while the address just reached is itself trusted. An entry that
 * is not an IP address ends the walk at the last trusted hop's report.
 */
export function clientAddress(peer: string | undefined, forwardedFor: string | string[] | undefined, trust: TrustProxy): string {
  const socketPeer = normalizeAddress(peer ?? "") ?? "unknown";
  if (trust.kind === "none" || forwardedFor === undefined) return socketPeer;
  // Several X-Forwarded-For lines form one list, in order.
  const forwarded = (Array.isArray(forwardedFor) ? forwardedFor.join(",") : forwardedFor).split(",").reverse();
  let current = socketPeer;
  for (let position = 0; position < forwarded.length; position++) {
    if (!isTrusted(trust, current, position)) return current;
    const next = normalizeAddress(forwarded[position]!);
    if (next === null) return current;
    current = next;
  }
  return current;
}

/**
 * Whether the client reached us over HTTPS: our own TLS socket, or, only when the socket's peer is
 * a proxy TRUST_PROXY names, what that proxy says in X-Forwarded-Proto (its first entry, the
 * protocol the outermost proxy saw). Anyone else's X-Forwarded-Proto is ignored.
 */
export function clientProtocol(encrypted: boolean, peer: string | undefined, forwardedProto: string | string[] | undefined, trust: TrustProxy): "https" | "http" {
  if (encrypted) return "https";
  const socketPeer = normalizeAddress(peer ?? "");
  if (forwardedProto === undefined || socketPeer === null || !isTrusted(trust, socketPeer, 0)) return "http";
  const first = (Array.isArray(forwardedProto) ? forwardedProto.join(",") : forwardedProto).split(",")[0]!.trim().toLowerCase();
  return first === "https" ? "https" : "http";
}

/** Whether the browser reached us over HTTPS, as admitToNext (next-handoff.ts) established it for this request. */
export function isHttps(request: Request): boolean {
  return request.headers.get(CLIENT_PROTOCOL_HEADER) === "https" || new URL(request.url).protocol === "https:";
}
