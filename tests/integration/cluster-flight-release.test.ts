/**
 * A miss that arrives while this instance is still giving up the lease of a fetch that just ended
 * (lib/origin/cluster-flight.ts) waits for that, then takes the lease and fetches anew. Before, it
 * found the lease still held, followed it, and was answered with the earlier fetch's failure,
 * though it began after that failure had been answered. The lease table is the real one; the
 * release is held back to open the window that a slow commit opens in production.
 */
import { expect, it } from "vitest";
import { OriginNotFound, PreviousPullEnding } from "@/lib/domain/errors";
import { PrismaFetchLeases } from "@/lib/fleet/fetch-leases";
import { ClusterFlights, type FetchLeases } from "@/lib/origin/cluster-flight";
import type { MirrorFetch } from "@/lib/origin/mirror-fetch";
import { clientWithBucket } from "../support/bucket-row";

const { prisma, bucket } = clientWithBucket("flight-release");

/** What ClusterFlights uses of a fetch: its end. */
const flightEnding = (done: Promise<unknown>) => ({ done }) as unknown as MirrorFetch;

/** The real lease table, each release held until the gate opens. */
function heldReleases() {
  const table = new PrismaFetchLeases(() => prisma, { id: "instance-a", leaseMs: 30_000, now: () => new Date() });
  let openGate!: () => void;
  const gate = new Promise<void>((resolve) => (openGate = resolve));
  let releases = 0;
  const leases: FetchLeases = {
    acquire: (bucketId, key) => table.acquire(bucketId, key),
    look: (bucketId, key) => table.look(bucketId, key),
    release: async (bucketId, key, token, ended) => {
      releases += 1;
      await gate;
      await table.release(bucketId, key, token, ended);
    },
  };
  return { leases, openGate, releases: () => releases };
}

/** Leads a fetch of `key` that fails with a 404, and waits until its clients have heard and its release has begun. */
async function failedFetch(cluster: ClusterFlights, key: string, releases: () => number) {
  const failed = Promise.reject(new OriginNotFound([`http://origin.test/${key}`]));
  failed.catch(() => undefined);
  const first = await cluster.lead(bucket, key, { running: () => undefined, start: () => flightEnding(failed), skipIfStored: true });
  expect(first.kind).toBe("flight");
  await expect((first as { flight: MirrorFetch }).flight.done).rejects.toBeInstanceOf(OriginNotFound);
  await expect.poll(releases).toBe(1);
}

it("a miss after a failed fetch, while its lease is still being given up, fetches again instead of inheriting the failure", async () => {
  const { leases, openGate, releases } = heldReleases();
  // A release error handler that throws must not fail the misses waiting on the release either.
  const cluster = new ClusterFlights(leases, async () => null, { followMs: 10_000, pollMs: 5 }, (error) => {
    throw error;
  });
  await failedFetch(cluster, "k", releases);

  // The first fetch's clients have their answer; its lease is not given up yet.
  const again = flightEnding(new Promise(() => undefined));
  let started = 0;
  const second = cluster.lead(bucket, "k", {
    running: () => undefined,
    start: () => {
      started += 1;
      return again;
    },
    skipIfStored: true,
  });
  // Long enough for a follower to poll the still-held lease a few times.
  await new Promise((resolve) => setTimeout(resolve, 50));
  expect(started).toBe(0);
  openGate();
  await expect(second).resolves.toEqual({ kind: "flight", flight: again });
  expect(started).toBe(1);
});

it("waits for the release no longer than a miss waits for another instance: then SlowDown", async () => {
  const { leases, openGate, releases } = heldReleases();
  const cluster = new ClusterFlights(leases, async () => null, { followMs: 200, pollMs: 5 }, () => undefined);
  await failedFetch(cluster, "slow", releases);
  let started = 0;
  const begun = Date.now();
  const second = cluster.lead(bucket, "slow", {
    running: () => undefined,
    start: () => {
      started += 1;
      return flightEnding(new Promise(() => undefined));
    },
    skipIfStored: true,
  });
  await expect(second).rejects.toBeInstanceOf(PreviousPullEnding);
  expect(Date.now() - begun).toBeGreaterThanOrEqual(190);
  expect(started).toBe(0);
  openGate();
  await cluster.settle();
  expect(await leases.look(bucket.id, "slow")).toMatchObject({ ended: { outcome: "missing" } });
});
