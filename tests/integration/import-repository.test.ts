/**
 * Import items against the real (migrated) database: a batch of outcomes larger than Prisma's
 * parameter limit on SQLite (999) is recorded whole, in one call, with its counts. (Outcomes
 * gather while a write is under way, and a failed write's go back in front of the next: a batch
 * can be any size.) Unsplit, it failed on every attempt, and the job recorded nothing more.
 */
import { expect, it } from "vitest";
import { ImportRepository, type ItemResult } from "@/lib/imports/import-repository";
import { clientWithBucket } from "../support/bucket-row";

const { prisma, bucket } = clientWithBucket("import-items");
const repository = new ImportRepository(() => prisma);

/** A running job of a key list, listed whole. */
const newRunningJob = () =>
  repository.create({ bucketId: bucket.id, state: "running", draft: false, source: { type: "keys" }, secretSealed: null, listed: true, concurrency: 1, overwrite: false, requestsPerSecond: null, bytesPerSecond: null });

it("records a batch of 3,000 outcomes (past SQLite's 999 parameters) in one call, with its counts", async () => {
  const job = await newRunningJob();
  const keys = Array.from({ length: 3000 }, (_, i) => `k/${i}`);
  expect(await repository.addKeys(job.id, keys)).toBe(3000);
  const claimed = [];
  for (let batch = await repository.claim(job.id, 0, 256); batch.length > 0; batch = await repository.claim(job.id, batch.at(-1)!.id, 256)) claimed.push(...batch);
  expect(claimed).toHaveLength(3000);

  const results: ItemResult[] = claimed.map((item, i) =>
    i % 3 === 0 ? { id: item.id, outcome: "pulled", reason: null, bytes: 10 } : { id: item.id, outcome: "noRule", reason: "no mirror rule of the bucket matches this key", bytes: 0 },
  );
  await repository.record(job.id, results);

  expect(await repository.findById(job.id)).toMatchObject({ pulled: 1000, noRule: 2000, bytes: 10_000n });
  const states = await prisma.importItem.groupBy({ by: ["state"], where: { jobId: job.id }, _count: { _all: true } });
  expect(Object.fromEntries(states.map((row) => [row.state, row._count._all]))).toEqual({ pulled: 1000, noRule: 2000 });
});

it("starts a run only for a job still running with that instance as its owner, and writes nothing otherwise", async () => {
  const job = await newRunningJob();
  await prisma.importJob.update({ where: { id: job.id }, data: { ownerInstance: "instance-a" } });
  const now = new Date("2026-11-27T12:00:00Z");
  // Another instance took it over since it was read: not ours to run.
  expect(await repository.runStarted(job, now, "instance-b")).toBe(false);
  expect(await repository.findById(job.id)).toMatchObject({ runningSince: null, startedAt: null });
  expect(await repository.runStarted(job, now, "instance-a")).toBe(true);
  expect(await repository.findById(job.id)).toMatchObject({ runningSince: now, startedAt: now });
  // Paused (or cancelled, or ended) since it was read.
  await prisma.importJob.update({ where: { id: job.id }, data: { state: "paused", runningSince: null } });
  expect(await repository.runStarted(job, new Date(now.getTime() + 1000), "instance-a")).toBe(false);
  expect(await repository.findById(job.id)).toMatchObject({ state: "paused", runningSince: null });
});
