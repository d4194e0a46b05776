import { describe, expect, it } from "vitest";
import { OriginBusy, OriginUnavailable } from "@/lib/domain/errors";
import { OriginGate } from "./origin-gate";

const BREAKER = { failureThreshold: 2, windowMs: 30_000, openMs: 30_000 };

describe("OriginGate", () => {
  it("holds a turn until the request finishes, and tells the breaker how it went", async () => {
    const gate = new OriginGate({ maxConcurrency: 1, maxQueued: 0 }, BREAKER);
    const pass = await gate.enter("a", "get:1", "refuse-when-full");
    await expect(gate.enter("a", "get:1", "refuse-when-full")).rejects.toBeInstanceOf(OriginBusy);
    expect(gate.health()).toEqual([expect.objectContaining({ origin: "a", inflight: 1, queued: 0, circuit: "closed" })]);
    pass.finish("HTTP 500");
    pass.finish("HTTP 500"); // once only: one failure so far
    (await gate.enter("a", "get:1", "refuse-when-full")).finish(null);
    expect(gate.health()).toEqual([expect.objectContaining({ origin: "a", inflight: 0, circuit: "closed", recentFailures: 1 })]);
  });

  it("refuses at once while the breaker is open, without taking a place in the queue", async () => {
    const gate = new OriginGate({ maxConcurrency: 4, maxQueued: 4 }, BREAKER);
    (await gate.enter("a", "get:1", "wait")).finish("timeout");
    (await gate.enter("a", "get:1", "wait")).finish("timeout");
    await expect(gate.enter("a", "import:1", "wait")).rejects.toBeInstanceOf(OriginUnavailable);
    expect(gate.health()).toEqual([expect.objectContaining({ origin: "a", circuit: "open", inflight: 0, queued: 0, lastFailure: "timeout" })]);
    // Another origin is not affected.
    await expect(gate.enter("b", "get:1", "wait")).resolves.toBeDefined();
  });

  it("refuses a waiter whose breaker opened while it waited, and passes its turn on", async () => {
    const gate = new OriginGate({ maxConcurrency: 2, maxQueued: 4 }, BREAKER);
    const first = await gate.enter("a", "get:1", "wait");
    const second = await gate.enter("a", "get:1", "wait");
    const waiting = gate.enter("a", "get:2", "wait");
    first.finish("reset");
    second.finish("reset");
    await expect(waiting).rejects.toBeInstanceOf(OriginUnavailable);
    expect(gate.health()).toEqual([expect.objectContaining({ origin: "a", circuit: "open", inflight: 0, queued: 0 })]);
  });
});
