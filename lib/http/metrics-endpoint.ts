/**
 * GET /metrics: the Prometheus text exposition. Open when METRICS_TOKEN is unset; otherwise only
 * with `Authorization: Bearer <token>`, compared in constant time (both sides hashed first, so
 * neither the content nor the length of the token leaks through timing).
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AppMetrics } from "@/lib/observability/metrics";
import { observeRequest, type RequestTelemetry } from "./request-telemetry";

export const METRICS_PATH = "/metrics";

const digest = (value: string) => createHash("sha256").update(value).digest();

/** The bearer token a request carries, or null. */
function bearerToken(req: IncomingMessage): string | null {
  const match = /^Bearer +(\S+) *$/i.exec(req.headers.authorization ?? "");
  return match ? match[1]! : null;
}

function tokenMatches(given: string | null, expected: string): boolean {
  // Hashing first makes the comparison constant-time in the length too; a missing token compares like a wrong one.
  return timingSafeEqual(digest(given ?? ""), digest(expected)) && given !== null;
}

/**
 * Whether a request is a metrics scrape: the exact path, and no signature of the object APIs (a
 * SigV4 or bce-auth-v1 request for a bucket named "metrics" stays theirs).
 */
export function isMetricsRequest(req: IncomingMessage): boolean {
  // Asked of every request first: a prefix test, without splitting the URL.
  const url = req.url ?? "/";
  if (!url.startsWith(METRICS_PATH) || (url.length > METRICS_PATH.length && url[METRICS_PATH.length] !== "?")) return false;
  const authorization = req.headers.authorization;
  return authorization === undefined || /^Bearer /i.test(authorization);
}

export interface MetricsEndpoint {
  /** Answers a scrape and returns true; false for any other request. */
  handle(req: IncomingMessage, res: ServerResponse): boolean;
}

function answer(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": "text/plain; charset=utf-8", "content-length": Buffer.byteLength(body), "cache-control": "no-store", ...headers }).end(body);
}

export function createMetricsEndpoint(metrics: AppMetrics | null, token: string | undefined, telemetry: RequestTelemetry): MetricsEndpoint {
  return {
    handle(req, res) {
      if (!isMetricsRequest(req)) return false;
      observeRequest(telemetry, req, res, "metrics", null, "Scrape");
      // The request has no body to read; one that was sent is not read.
      req.resume();
      if (req.method !== "GET" && req.method !== "HEAD") {
        answer(res, 405, "Use GET.\n", { allow: "GET, HEAD" });
        return true;
      }
      if (!metrics) {
        answer(res, 404, "Metrics are turned off (METRICS_ENABLED=false).\n");
        return true;
      }
      if (token !== undefined && !tokenMatches(bearerToken(req), token)) {
        answer(res, 401, "This endpoint needs Authorization: Bearer <METRICS_TOKEN>.\n", { "www-authenticate": 'Bearer realm="metrics"' });
        return true;
      }
      metrics.scrape().then(
        (text) => {
          res.writeHead(200, { "content-type": metrics.contentType, "content-length": Buffer.byteLength(text), "cache-control": "no-store" });
          res.end(req.method === "HEAD" ? undefined : text);
        },
        (error: unknown) => {
          telemetry.logger.error({ err: error }, "metrics scrape failed");
          answer(res, 500, "The metrics could not be collected.\n");
        },
      );
      return true;
    },
  };
}
