import { describe, expect, it } from "vitest";
import { OriginBusy } from "@/lib/domain/errors";
import { OriginLimiter, type OriginSlot } from "./origin-limiter";

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe("OriginLimiter", () => {
  it("grants at most maxConcurrency turns per origin, and the next waiter gets a freed turn", async () => {
    const limiter = new OriginLimiter({ maxConcurrency: 2, maxQueued: 10 });
    const first = await limiter.acquire("a", "get:1", "refuse-when-full");
    await limiter.acquire("a", "get:1", "refuse-when-full");
    let third: OriginSlot | null = null;
    void limiter.acquire("a", "get:1", "refuse-when-full").then((slot) => (third = slot));
    await settle();
    expect(third).toBeNull();
    expect(limiter.snapshot().get("a")).toEqual({ inflight: 2, queued: 1 });
    // Another origin has its own turns.
    await limiter.acquire("b", "get:1", "refuse-when-full");
    first.release();
    first.release(); // a second release does not free a second turn
    await settle();
    expect(third).not.toBeNull();
    expect(limiter.snapshot().get("a")).toEqual({ inflight: 2, queued: 0 });
  });

  it("serves parties round-robin, first come first served within each", async () => {
    const limiter = new OriginLimiter({ maxConcurrency: 1, maxQueued: 100 });
    const holder = await limiter.acquire("a", "x", "wait");
    const order: string[] = [];
    const enqueue = (party: string, label: string) =>
      void limiter.acquire("a", party, "wait").then((slot) => {
        order.push(label);
        slot.release();
      });
    for (let i = 1; i <= 4; i++) enqueue("import:1", `import${i}`);
    enqueue("get:1", "get1");
    enqueue("get:2", "other1");
    enqueue("get:1", "get2");
    holder.release();
    await settle();
    expect(order).toEqual(["import1", "get1", "other1", "import2", "get2", "import3", "import4"]);
    expect(limiter.snapshot().size).toBe(0);
  });

  it("refuses a GET past the queue bound with OriginBusy, while self-bounded callers still wait", async () => {
    const limiter = new OriginLimiter({ maxConcurrency: 1, maxQueued: 2 });
    const holder = await limiter.acquire("a", "get:1", "refuse-when-full");
    const waiting = [limiter.acquire("a", "get:1", "refuse-when-full"), limiter.acquire("a", "get:2", "refuse-when-full")];
    const refused = await limiter.acquire("a", "get:3", "refuse-when-full").catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(OriginBusy);
    expect(refused).toMatchObject({ origin: "a", queued: 2, retryAfterSeconds: 1 });
    // An import job bounds itself: it waits behind the full queue.
    const importTurn = limiter.acquire("a", "import:1", "wait");
    expect(limiter.snapshot().get("a")).toEqual({ inflight: 1, queued: 3 });
    holder.release();
    (await waiting[0]!).release();
    (await waiting[1]!).release();
    (await importTurn).release();
    expect(limiter.snapshot().size).toBe(0);
  });

  it("with a queue bound of 0, refuses a GET as soon as every turn is taken", async () => {
    const limiter = new OriginLimiter({ maxConcurrency: 1, maxQueued: 0 });
    await limiter.acquire("a", "get:1", "refuse-when-full");
    await expect(limiter.acquire("a", "get:1", "refuse-when-full")).rejects.toBeInstanceOf(OriginBusy);
  });
});
