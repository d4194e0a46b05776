/**
 * At most `maxConcurrency` requests at a time to one origin host, shared by every kind of pull (GET
 * misses, redirect mode's background fetches, import jobs). Beyond that, requests wait in the
 * origin's queue, served fairly: round-robin across parties (who asked, e.g. `get:3` or
 * `import:3`), first come first served within a party, so a bulk import or a flood on one bucket
 * cannot starve live GETs of another bucket that shares the origin.
 *
 * The queue is bounded for callers that can be told to come back later (GET misses: policy
 * `refuse-when-full`, at most `maxQueued` of them wait per origin, the next one gets OriginBusy).
 * Callers that bound themselves wait whatever the queue holds: an import job never has more than
 * its concurrency in flight, and redirect mode's background fetches are capped by their own queue.
 */
import { OriginBusy } from "@/lib/domain/errors";

export type QueuePolicy = "refuse-when-full" | "wait";

export interface OriginLimits {
  maxConcurrency: number;
  /** Waiting requests with the `refuse-when-full` policy, per origin. */
  maxQueued: number;
}

/** A granted turn at an origin; release it exactly once (later calls do nothing). */
export interface OriginSlot {
  release(): void;
}

interface Waiter {
  policy: QueuePolicy;
  grant: () => void;
}

/** One party's waiters, first come first served; taking the next is O(1) however many wait. */
class WaiterQueue {
  private items: Waiter[] = [];
  private head = 0;

  push(waiter: Waiter): void {
    this.items.push(waiter);
  }

  shift(): Waiter {
    const waiter = this.items[this.head]!;
    this.head += 1;
    // Drop the taken entries once they are half the array, so memory follows what still waits.
    if (this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return waiter;
  }

  get length(): number {
    return this.items.length - this.head;
  }
}

interface Lane {
  inflight: number;
  waiting: number;
  refusable: number;
  /** Waiting requests by party; Map order is the round-robin order (a served party moves to the end). */
  parties: Map<string, WaiterQueue>;
}

/** How long a client refused with SlowDown should wait before trying again. */
export const SLOW_DOWN_RETRY_AFTER_SECONDS = 1;

export class OriginLimiter {
  private readonly lanes = new Map<string, Lane>();

  constructor(private readonly limits: OriginLimits) {}

  /** A turn at `origin` for `party`, now or once one is free; OriginBusy when the queue is full. */
  acquire(origin: string, party: string, policy: QueuePolicy): Promise<OriginSlot> {
    let lane = this.lanes.get(origin);
    if (!lane) {
      lane = { inflight: 0, waiting: 0, refusable: 0, parties: new Map() };
      this.lanes.set(origin, lane);
    }
    if (lane.inflight < this.limits.maxConcurrency && lane.waiting === 0) {
      lane.inflight += 1;
      return Promise.resolve(this.slot(origin, lane));
    }
    if (policy === "refuse-when-full" && lane.refusable >= this.limits.maxQueued) {
      return Promise.reject(new OriginBusy(origin, lane.waiting, SLOW_DOWN_RETRY_AFTER_SECONDS));
    }
    const target = lane;
    return new Promise((resolve) => {
      const queue = target.parties.get(party) ?? new WaiterQueue();
      queue.push({ policy, grant: () => resolve(this.slot(origin, target)) });
      target.parties.set(party, queue);
      target.waiting += 1;
      if (policy === "refuse-when-full") target.refusable += 1;
    });
  }

  private slot(origin: string, lane: Lane): OriginSlot {
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        lane.inflight -= 1;
        this.next(origin, lane);
      },
    };
  }

  /** Hands freed turns to the next party in round-robin order. */
  private next(origin: string, lane: Lane): void {
    while (lane.inflight < this.limits.maxConcurrency && lane.waiting > 0) {
      const [party, queue] = lane.parties.entries().next().value as [string, WaiterQueue];
      const waiter = queue.shift();
      lane.parties.delete(party);
      if (queue.length > 0) lane.parties.set(party, queue);
      lane.waiting -= 1;
      if (waiter.policy === "refuse-when-full") lane.refusable -= 1;
      lane.inflight += 1;
      waiter.grant();
    }
    if (lane.inflight === 0 && lane.waiting === 0) this.lanes.delete(origin);
  }

  /** Requests in flight and waiting, per origin that has any. */
  snapshot(): Map<string, { inflight: number; queued: number }> {
    const result = new Map<string, { inflight: number; queued: number }>();
    for (const [origin, lane] of this.lanes) result.set(origin, { inflight: lane.inflight, queued: lane.waiting });
    return result;
  }
}
