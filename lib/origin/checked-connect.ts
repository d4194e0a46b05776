/**
 * How every origin connection is opened: resolve the host name, check every address against the
 * SSRF guard, then connect to a checked address and nothing else. A refused address never sees a
 * packet from us (no TCP handshake, no TLS ClientHello), and DNS cannot give the check one answer
 * and the connection another (rebinding). IP literals are checked the same way. For https the
 * certificate is still verified against the host name, which is also sent as SNI.
 */
import { lookup as dnsLookup } from "node:dns/promises";
import { isIP } from "node:net";
import type { ConnectionOptions } from "node:tls";
import { buildConnector } from "undici";
import { connectionRefusal, type OriginAllowlist } from "./ssrf-guard";

/** The addresses a host name resolves to, in the order to try them. Injectable for tests. */
export type OriginLookup = (hostname: string) => Promise<string[]>;

export const systemLookup: OriginLookup = async (hostname) =>
  (await dnsLookup(hostname, { all: true, verbatim: true })).map((entry) => entry.address);

/**
 * A connection that was refused or failed, with the whole story (addresses, DNS errors, port
 * state) in its message. For the server log only: clients get one uniform message (origin-client.ts).
 */
export class ConnectFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConnectFailure";
  }
}

/** A name with many addresses: try this many, in order, before giving up. */
const MAX_ADDRESSES_TRIED = 4;

export interface CheckedConnectorOptions {
  allowlist: OriginAllowlist;
  /** Bounds the DNS lookup, and then each connection attempt (TLS handshake included). */
  timeoutMs: number;
  lookup?: OriginLookup;
  /** Extra TLS options, e.g. a test CA. */
  tls?: Pick<ConnectionOptions, "ca">;
}

function describe(error: unknown): string {
  const code = (error as { code?: string }).code;
  const message = error instanceof Error ? error.message : String(error);
  return code && !message.includes(code) ? `${message} (${code})` : message;
}

async function resolve(hostname: string, lookup: OriginLookup, timeoutMs: number): Promise<string[]> {
  if (isIP(hostname)) return [hostname];
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ConnectFailure(`looking up ${hostname} took longer than ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([lookup(hostname), timeout]);
  } catch (error) {
    throw error instanceof ConnectFailure ? error : new ConnectFailure(`${hostname} does not resolve: ${describe(error)}`);
  } finally {
    clearTimeout(timer);
  }
}

/** The addresses to connect to: all of the name's, each one allowed, or an error saying which is not. */
async function checkedAddresses(allowlist: OriginAllowlist, hostname: string, lookup: OriginLookup, timeoutMs: number): Promise<string[]> {
  const addresses = await resolve(hostname, lookup, timeoutMs);
  if (addresses.length === 0) throw new ConnectFailure(`${hostname} has no addresses`);
  // One refused address refuses the name, as when a rule is saved: a name that mixes internal
  // and public answers is not an origin to trust with either.
  for (const address of addresses) {
    if (!isIP(address)) throw new ConnectFailure(`${hostname} resolved to ${JSON.stringify(address)}, which is not an IP address`);
    const refusal = connectionRefusal(allowlist, hostname, address);
    if (refusal) throw new ConnectFailure(`refused to connect to ${hostname}: ${refusal}`);
  }
  return addresses.slice(0, MAX_ADDRESSES_TRIED);
}

/** An undici connector (for an Agent's `connect`) that only ever connects to checked addresses. */
export function checkedConnector({ allowlist, timeoutMs, lookup = systemLookup, tls = {} }: CheckedConnectorOptions): buildConnector.connector {
  const connect = buildConnector({ timeout: timeoutMs, ...tls });
  return (options, callback) => {
    const { hostname, port } = options;
    // undici takes SNI and certificate identity from `servername`; name it, since `hostname` becomes an address.
    const servername = options.servername || (isIP(hostname) ? undefined : hostname);
    const attempt = (addresses: string[], index: number, failures: string[]): void => {
      const address = addresses[index]!;
      connect({ ...options, hostname: address, servername }, (error, socket) => {
        if (!error) return callback(null, socket!);
        failures.push(`${address}: ${describe(error)}`);
        if (index + 1 < addresses.length) return attempt(addresses, index + 1, failures);
        callback(new ConnectFailure(`connecting to ${hostname}${port ? `:${port}` : ""} failed: ${failures.join("; ")}`), null);
      });
    };
    checkedAddresses(allowlist, hostname, lookup, timeoutMs)
      .then((addresses) => attempt(addresses, 0, []))
      // A lookup or check failure, or a connector that threw: never an unhandled rejection.
      .catch((error: unknown) => callback(error instanceof ConnectFailure ? error : new ConnectFailure(describe(error)), null));
  };
}
