import { describe, expect, it } from "vitest";
import { BackgroundQueue } from "./background-queue";

const deferred = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
};

describe("BackgroundQueue", () => {
  it("keeps at most `capacity` jobs pending, drops the rest and counts them", async () => {
    const queue = new BackgroundQueue(2);
    const jobs = [deferred(), deferred(), deferred()];
    const started: number[] = [];
    const submit = (i: number) =>
      queue.submit(`k${i}`, async () => {
        started.push(i);
        await jobs[i]!.promise;
      });
    expect([submit(0), submit(1), submit(2)]).toEqual(["queued", "queued", "dropped"]);
    expect(queue.stats()).toEqual({ pending: 2, dropped: 1 });
    expect(queue.has("k1")).toBe(true);
    expect(started).toEqual([0, 1]);
    jobs[0]!.resolve();
    await new Promise((resolve) => setImmediate(resolve));
    expect(queue.stats()).toEqual({ pending: 1, dropped: 1 });
    expect(queue.has("k0")).toBe(false);
    expect(submit(2)).toBe("queued");
  });

  it("frees the place of a failing job", async () => {
    const queue = new BackgroundQueue(1);
    expect(queue.submit("x", () => Promise.reject(new Error("boom")))).toBe("queued");
    await new Promise((resolve) => setImmediate(resolve));
    expect(queue.stats()).toEqual({ pending: 0, dropped: 0 });
    expect(queue.submit("y", () => Promise.resolve())).toBe("queued");
  });
});
