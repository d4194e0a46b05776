/**
 * HTTP(S) requests to origins. Bytes come back exactly as sent (undici's `request` never
 * decompresses). Every connection is checked against the SSRF guard on the address the socket
 * actually connected to, so IP literals, DNS rebinding and redirects to internal hosts are refused;
 * redirects are followed here, at most MAX_REDIRECTS hops, each hop on a checked connection.
 */
import type { Readable } from "node:stream";
import { Agent, buildConnector, request } from "undici";
import { env } from "@/lib/env";
import { OriginAllowlist, connectionRefusal } from "./ssrf-guard";

export const MAX_REDIRECTS = 5;
export const USER_AGENT = "bos-mirror/0.1 (mirror back-to-origin)";
/**
 * Marks every back-to-origin request. A request that arrives carrying it (a rule whose origin is
 * this service, directly or through a proxy) never goes back to origin again: no recursion.
 * An x-bce-* name, so no rule can pass, set or remove it (origin-headers.ts).
 */
export const MIRROR_HOP_HEADER = "x-bce-mirror-hop";

export type OriginFailureKind = "refused" | "timeout" | "network" | "redirects" | "too-large" | "incomplete" | "digest";

/** A failure to get a complete, verified object from an origin; `message` says why. */
export class OriginFailure extends Error {
  constructor(
    readonly kind: OriginFailureKind,
    message: string,
  ) {
    super(message);
    this.name = "OriginFailure";
  }
}

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
  const code = (error as { code?: string }).code ?? "";
  const host = new URL(url).host;
  if (code === "UND_ERR_CONNECT_TIMEOUT") return new OriginFailure("timeout", `connecting to ${host} timed out`);
  if (code === "UND_ERR_HEADERS_TIMEOUT") return new OriginFailure("timeout", `${host} sent no response headers in time`);
  if (code === "UND_ERR_BODY_TIMEOUT") return new OriginFailure("timeout", `${host} stalled while sending the body`);
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") return new OriginFailure("network", `${host} does not resolve`);
  if (code === "ECONNREFUSED") return new OriginFailure("network", `${host} refused the connection`);
  const detail = error instanceof Error ? error.message : String(error);
  return new OriginFailure("network", `request to ${host} failed: ${detail}${code ? ` (${code})` : ""}`);
}

export class OriginClient {
  private readonly agent: Agent;

  constructor(
    private readonly allowlist = new OriginAllowlist(env().originAllowlist),
    private readonly timeouts = env().origin,
  ) {
    const connect = buildConnector({ timeout: timeouts.connectTimeoutMs });
    this.agent = new Agent({
      headersTimeout: timeouts.headersTimeoutMs,
      bodyTimeout: timeouts.bodyIdleTimeoutMs,
      connect: (options, callback) =>
        connect(options, (error, socket) => {
          if (error) return callback(error, null);
          const refusal = connectionRefusal(this.allowlist, options.hostname, socket.remoteAddress ?? "");
          if (!refusal) return callback(null, socket);
          socket.destroy();
          callback(new OriginFailure("refused", `refused to connect to ${options.hostname}: ${refusal}`), null);
        }),
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
