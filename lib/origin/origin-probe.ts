/**
 * "Check the origin now": asks each address a rule would use for a key, as the engine would (the
 * same origin client, so the same SSRF guard, redirects and timeouts, and the same headers), but
 * for one byte (`Range: bytes=0-0`), and reports status, size, type and time. A bucket origin is
 * looked up in the object service, as the engine reads it. Nothing is stored.
 */
import type { MaybePromise } from "@/lib/maybe-promise";
import { computeOriginAddress, formatOriginTarget, type OriginTarget } from "@/lib/mirroring/origin-address";
import { buildOriginHeaders } from "@/lib/mirroring/origin-headers";
import type { MirrorRule } from "@/lib/mirroring/rule-schema";
import type { ObjectService } from "@/lib/objects/object-service";
import { OriginBusy, OriginUnavailable, UnsafeOriginPath } from "@/lib/domain/errors";
import type { OriginPass } from "./origin-gate";
import { OriginFailure, discardBody, type OriginClient, type OriginResponse } from "./origin-client";

export interface ProbeAnswer {
  ok: true;
  /** The HTTP status (206 or 200 for a range GET); a bucket origin answers 200 or 404. */
  status: number;
  /** The whole object's size when the origin says (Content-Range total, or Content-Length of a 200). */
  size: number | null;
  contentType: string | null;
  /** Where the answer came from, after redirects. */
  finalAddress: string;
  timeMs: number;
}

export interface ProbeFailure {
  ok: false;
  /** OriginFailure's kind: unreachable, timeout, network, redirects, refused; or circuit-open, busy (the origin was not asked). */
  reason: string;
  message: string;
  timeMs: number;
}

export interface ProbeTargetResult {
  role: "primary" | "backup";
  address: string;
  result: ProbeAnswer | ProbeFailure;
}

export interface ProbeReport {
  key: string;
  /** The check's request id: a failure's reason that the client is not told is logged under it. */
  requestId: string;
  /** Redirect mode answers the client with the primary address; the probe still asks it. */
  mode: MirrorRule["mode"];
  targets: ProbeTargetResult[];
}

export interface OriginProbeDeps {
  client: OriginClient;
  objects: ObjectService;
  findBucket: (name: string) => MaybePromise<{ id: number } | null>;
  /** Each address gets this long for its answer's headers (a probe is interactive). */
  timeoutMs: number;
  /**
   * A turn at the origin host through the engine's gate, so a check adds no load beyond
   * ORIGIN_MAX_CONCURRENCY and does not ask an origin whose circuit breaker is open. Rejects with
   * OriginUnavailable (breaker open) or OriginBusy (queue full), which the check reports.
   */
  enterOrigin: (host: string) => Promise<OriginPass>;
  /** What the breaker counts as the origin failing, or null for an answer. */
  breakerFailure: (error: unknown) => string | null;
  /**
   * A failure's reason that the client is not told (why a connection was refused or failed: the
   * SSRF guard, DNS, a closed port), for the server's log under the check's request id.
   */
  logFailure: (requestId: string, address: string, detail: string) => void;
}

function headerValue(headers: OriginResponse["headers"], name: string): string | null {
  const value = headers[name];
  return (Array.isArray(value) ? value[0] : value) ?? null;
}

/** "bytes 0-0/1234" gives 1234; a 200 ignores the range and tells its length. */
function objectSize(response: OriginResponse): number | null {
  const range = headerValue(response.headers, "content-range")?.match(/\/(\d+)\s*$/);
  if (range) return Number(range[1]);
  const length = headerValue(response.headers, "content-length");
  return response.status === 200 && length !== null && /^\d+$/.test(length) ? Number(length) : null;
}

export class OriginProbe {
  constructor(private readonly deps: OriginProbeDeps) {}

  /** Throws UnsafeOriginPath when the key is one the engine would refuse to send anywhere. */
  async check(rule: MirrorRule, key: string, rawQuery: string, requestId: string): Promise<ProbeReport> {
    const address = computeOriginAddress(rule, key, rawQuery);
    if (address.refusal) throw new UnsafeOriginPath(address.refusal);
    const headers = buildOriginHeaders(rule.headers, []);
    const roles = [["primary", address.primary], ["backup", address.backup]] as const;
    const targets = await Promise.all(
      roles
        .filter((entry): entry is readonly ["primary" | "backup", OriginTarget] => entry[1] !== null)
        .map(async ([role, target]) => ({ role, address: formatOriginTarget(target), result: await this.ask(target, headers, requestId) })),
    );
    return { key, requestId, mode: rule.mode, targets };
  }

  private async ask(target: OriginTarget, headers: Map<string, string>, requestId: string): Promise<ProbeAnswer | ProbeFailure> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    if (target.kind === "bucket") {
      const bucket = await this.deps.findBucket(target.bucket);
      const object = bucket ? await this.deps.objects.find(bucket.id, target.key) : null;
      return {
        ok: true,
        status: object ? 200 : 404,
        size: object?.size ?? null,
        contentType: object?.httpMeta["content-type"] ?? null,
        finalAddress: formatOriginTarget(target),
        timeMs: elapsed(),
      };
    }
    let pass: OriginPass;
    try {
      pass = await this.deps.enterOrigin(new URL(target.url).host);
    } catch (error) {
      if (error instanceof OriginUnavailable) return { ok: false, reason: "circuit-open", message: error.message, timeMs: elapsed() };
      if (error instanceof OriginBusy) return { ok: false, reason: "busy", message: error.message, timeMs: elapsed() };
      throw error;
    }
    const signal = AbortSignal.timeout(this.deps.timeoutMs);
    try {
      const response = await this.deps.client.get(target.url, new Map([...headers, ["range", "bytes=0-0"]]), signal);
      discardBody(response.body);
      pass.finish(response.status >= 500 ? `${response.url} answered HTTP ${response.status}` : null);
      return {
        ok: true,
        status: response.status,
        size: objectSize(response),
        contentType: headerValue(response.headers, "content-type"),
        finalAddress: response.url,
        timeMs: elapsed(),
      };
    } catch (error) {
      pass.finish(signal.aborted ? `no answer within ${this.deps.timeoutMs / 1000} s` : this.deps.breakerFailure(error));
      if (signal.aborted) {
        return { ok: false, reason: "timeout", message: `no answer within ${this.deps.timeoutMs / 1000} s`, timeMs: elapsed() };
      }
      if (error instanceof OriginFailure) {
        if (error.detail !== error.message) this.deps.logFailure(requestId, target.url, error.detail);
        return { ok: false, reason: error.kind, message: error.message, timeMs: elapsed() };
      }
      throw error;
    }
  }
}
