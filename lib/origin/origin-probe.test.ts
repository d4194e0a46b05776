import { describe, expect, it } from "vitest";
import { mirrorRuleSchema } from "@/lib/mirroring/rule-schema";
import type { ObjectService } from "@/lib/objects/object-service";
import { OriginFailure } from "@/lib/domain/errors";
import { UNREACHABLE_MESSAGE, type OriginClient } from "./origin-client";
import { OriginGate } from "./origin-gate";
import { OriginProbe, type OriginProbeDeps } from "./origin-probe";

const rule = mirrorRuleSchema.parse({ origin: { type: "url", protocol: "http", host: "origin.example:8080" }, storageClass: "STANDARD" });

/** A probe over `client`, entering origins through `gate`. */
const probeWith = (client: OriginClient, gate: OriginGate, logFailure: OriginProbeDeps["logFailure"] = () => undefined) =>
  new OriginProbe({
    client,
    objects: {} as ObjectService,
    findBucket: async () => null,
    timeoutMs: 1_000,
    enterOrigin: (host) => gate.enter(host, "probe", "refuse-when-full"),
    breakerFailure: () => null,
    logFailure,
  });

describe("OriginProbe", () => {
  it("reports an open circuit breaker instead of asking the origin", async () => {
    const gate = new OriginGate({ maxConcurrency: 4, maxQueued: 4 }, { failureThreshold: 1, windowMs: 60_000, openMs: 60_000 });
    (await gate.enter("origin.example:8080", "get:1", "refuse-when-full")).finish("connection refused");
    const asked: string[] = [];
    const client = { get: async (url: string) => (asked.push(url), Promise.reject(new Error("the origin must not be asked"))) } as unknown as OriginClient;
    const report = await probeWith(client, gate).check(rule, "a.jpg", "", "req-1");
    expect(report.targets).toEqual([
      expect.objectContaining({ role: "primary", result: expect.objectContaining({ ok: false, reason: "circuit-open", message: expect.stringContaining("origin.example:8080") }) }),
    ]);
    expect(asked).toEqual([]);
  });

  it("logs why a connection failed under the check's request id, and tells the client only that it failed", async () => {
    const gate = new OriginGate({ maxConcurrency: 4, maxQueued: 4 }, { failureThreshold: 5, windowMs: 60_000, openMs: 60_000 });
    const client = {
      get: async (url: string) => Promise.reject(new OriginFailure("unreachable", UNREACHABLE_MESSAGE, `${url}: 10.0.0.1 is a private address`)),
    } as unknown as OriginClient;
    const logged: string[][] = [];
    const report = await probeWith(client, gate, (...entry) => logged.push(entry)).check(rule, "a.jpg", "", "req-7");
    expect(report.requestId).toBe("req-7");
    expect(report.targets[0]!.result).toEqual(expect.objectContaining({ ok: false, reason: "unreachable", message: UNREACHABLE_MESSAGE }));
    expect(JSON.stringify(report)).not.toContain("private address");
    expect(logged).toEqual([["req-7", "http://origin.example:8080/a.jpg", "http://origin.example:8080/a.jpg: 10.0.0.1 is a private address"]]);
  });
});
