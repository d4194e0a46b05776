/**
 * HTTP(S) requests to origins. Bytes come back exactly as sent (undici's `request` never
 * decompresses). Every connection is opened by checked-connect.ts: the host is resolved and each
 * address checked against the SSRF guard before anything is sent, then the connection goes to that
 * address, so IP literals, DNS rebinding and redirects to internal hosts are refused; redirects are
 * followed here, at most MAX_REDIRECTS hops, each hop on a checked connection.
 */
import type { Readable } from "node:stream";
import { Agent, request } from "undici";
import { OriginFailure } from "@/lib/domain/errors";
import { ConnectFailure, checkedConnector, systemLookup, type OriginLookup } from "./checked-connect";
import type { OriginAllowlist } from "./ssrf-guard";

export interface OriginTimeouts {
  connectTimeoutMs: number;
  headersTimeoutMs: number;
  /** Longest pause while the body arrives (a stall). */
  bodyIdleTimeoutMs: number;
  /** Total time for one body (a trickle). */
  bodyTimeoutMs: number;
}

export const MAX_REDIRECTS = 5;
/**
 * What an origin body may buffer before undici pauses its parser. At undici's default (64 KiB, one
 * socket read) the parser pauses and resumes on nearly every read of a large body; 1 MiB keeps it
 * running (~20% less CPU reading 64 MiB from loopback, bench/micro/origin-read.ts), still bounded.
 */
export const BODY_HIGH_WATER_MARK = 1024 * 1024;
export const USER_AGENT = "bos-mirror/0.1 (mirror back-to-origin)";
/**
 * Marks every back-to-origin request. A request that arrives carrying it (a rule whose origin is
 * this service, directly or through a proxy) never goes back to origin again: no recursion.
 * An x-bce-* name, so no rule can pass, set or remove it (origin-headers.ts).
 */
export const MIRROR_HOP_HEADER = "x-bce-mirror-hop";

export { OriginFailure, type OriginFailureKind } from "@/lib/domain/errors";

/**
 * What a client is told about any connection that was refused or failed: one message whether the
 * SSRF guard refused the address, the name did not resolve, or the port was closed, filtered or
 * spoke no TLS. Anything more would make the 424 a port scanner and a reader of internal DNS.
 */
export const UNREACHABLE_MESSAGE = "could not connect to the origin or to where it redirected (the server log has the reason under this request id)";

/**
 * Drops a body we will not read. An undici body destroyed without an 'error' listener emits an
 * AbortError that nobody handles, which would take the whole process down.
 */
export function discardBody(body: Readable): void {
  body.on("error", () => undefined);
  body.destroy();
}

export interface OriginResponse {
  url: string;
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Readable;
}

function describeNetworkError(error: unknown, url: string): OriginFailure {
  if (error instanceof OriginFailure) return error;
  // Every failure before a connection is up (lookup, refusal, connect, TLS) comes from the connector.
  if (error instanceof ConnectFailure) return new OriginFailure("unreachable", UNREACHABLE_MESSAGE, `${url}: ${error.message}`);
  const code = (error as { code?: string }).code ?? "";
  const host = new URL(url).host;
  if (code === "UND_ERR_HEADERS_TIMEOUT") return new OriginFailure("timeout", `${host} sent no response headers in time`);
  if (code === "UND_ERR_BODY_TIMEOUT") return new OriginFailure("timeout", `${host} stalled while sending the body`);
  const detail = error instanceof Error ? error.message : String(error);
  return new OriginFailure("network", `request to ${host} failed: ${detail}${code ? ` (${code})` : ""}`);
}

export class OriginClient {
  private readonly agent: Agent;

  constructor(allowlist: OriginAllowlist, timeouts: OriginTimeouts, lookup: OriginLookup = systemLookup) {
    this.agent = new Agent({
      headersTimeout: timeouts.headersTimeoutMs,
      bodyTimeout: timeouts.bodyIdleTimeoutMs,
      connect: checkedConnector({ allowlist, timeoutMs: timeouts.connectTimeoutMs, lookup }),
    });
  }

  /** GET `url`, following redirects. The caller must consume or destroy `body`. */
  async get(url: string, headers: Map<string, string>, signal?: AbortSignal): Promise<OriginResponse> {
    let current = url;
    for (let hop = 0; ; hop++) {
      let response;
      try {
        response = await request(current, {
          method: "GET",
          dispatcher: this.agent,
          headers: { ...Object.fromEntries(headers), "user-agent": USER_AGENT, [MIRROR_HOP_HEADER]: "1" },
          signal,
          highWaterMark: BODY_HIGH_WATER_MARK,
        });
      } catch (error) {
        throw describeNetworkError(error, current);
      }
      const location = response.headers.location;
      if (response.statusCode >= 300 && response.statusCode < 400 && typeof location === "string") {
        await response.body.dump().catch(() => undefined);
        if (hop >= MAX_REDIRECTS) throw new OriginFailure("redirects", `the origin redirected more than ${MAX_REDIRECTS} times`);
        const next = new URL(location, current);
        if (next.protocol !== "http:" && next.protocol !== "https:") {
          throw new OriginFailure("refused", `the origin redirected to a ${next.protocol} URL`);
        }
        current = next.toString();
        continue;
      }
      return { url: current, status: response.statusCode, headers: response.headers, body: response.body };
    }
  }

  close(): Promise<void> {
    return this.agent.close();
  }
}
