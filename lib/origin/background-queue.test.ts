import { describe, expect, it } from "vitest";
import { BackgroundQueue } from "./background-queue";

const deferred = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
};

describe("BackgroundQueue", () => {
  it("runs at most perOrigin per origin, queues up to the capacity, and drops the rest", async () => {
    const queue = new BackgroundQueue(2, 1);
    const jobs = [deferred(), deferred(), deferred(), deferred()];
    const started: number[] = [];
    const submit = (i: number, origin = "a") =>
      queue.submit(`k${i}`, origin, async () => {
        started.push(i);
        await jobs[i]!.promise;
      });
    expect([submit(0), submit(1), submit(2), submit(3)]).toEqual(["started", "queued", "queued", "dropped"]);
    expect(queue.stats()).toEqual({ running: 1, queued: 2, dropped: 1 });
    expect(queue.has("k1")).toBe(true);
    jobs[0]!.resolve();
    await new Promise((resolve) => setImmediate(resolve));
    expect(started).toEqual([0, 1]);
    expect(queue.stats()).toEqual({ running: 1, queued: 1, dropped: 1 });
  });

  it("gives each origin its own lane, and keeps going after a failing job", async () => {
    const queue = new BackgroundQueue(0, 1);
    expect(queue.submit("x", "a", () => Promise.reject(new Error("boom")))).toBe("started");
    expect(queue.submit("y", "b", () => new Promise(() => undefined))).toBe("started");
    await new Promise((resolve) => setImmediate(resolve));
    expect(queue.stats()).toEqual({ running: 1, queued: 0, dropped: 0 });
    expect(queue.submit("z", "a", () => Promise.resolve())).toBe("started");
  });
});
