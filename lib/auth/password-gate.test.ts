import { describe, expect, it } from "vitest";
import { ConcurrencyGate, HashingBusyError } from "./password-gate";

describe("ConcurrencyGate", () => {
  it("runs at most maxRunning tasks, queues maxWaiting, and refuses the rest at once", async () => {
    const gate = new ConcurrencyGate(1, 3);
    let running = 0;
    let most = 0;
    const releases: (() => void)[] = [];
    const task = () =>
      gate.run(async () => {
        running++;
        most = Math.max(most, running);
        await new Promise<void>((resolve) => releases.push(resolve));
        running--;
        return "done";
      });
    const results = Array.from({ length: 8 }, () => task().then(String, (error: unknown) => (error instanceof HashingBusyError ? "busy" : "other")));
    expect(gate.running).toBe(1);
    expect(gate.waiting).toBe(3);
    while (releases.length > 0 || gate.running > 0) {
      await new Promise((resolve) => setImmediate(resolve));
      releases.shift()?.();
    }
    expect(await Promise.all(results)).toEqual(["done", "done", "done", "done", "busy", "busy", "busy", "busy"]);
    expect(most).toBe(1);
    expect(gate.peak).toBe(1);
    expect(gate.running).toBe(0);
    // Free again afterwards, and a failing task gives its turn back.
    await expect(gate.run(() => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    await expect(gate.run(async () => 42)).resolves.toBe(42);
    expect(gate.running).toBe(0);
  });
});
