/**
 * A job runs once per take-over: the runner's poll reads the running jobs, and a job whose run here
 * ended while that read was under way (so the list still shows it running) is not run again. This
 * is what sent a third request to the origin once in fetch-object-restart.test.ts: the restarted
 * server's poll read the job as running, the pull ended and was recorded, then the poll ran it again.
 */
import pino from "pino";
import { describe, expect, it } from "vitest";
import type { BackgroundJobRow, JobEnd, JobRepository } from "./job-repository";
import { JobRunner } from "./job-runner";

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

const job = {
  id: "fo-1",
  kind: "fetch-object",
  bucketId: 1,
  state: "running",
  ownerInstance: "me",
  input: "{}",
  total: 1,
  done: 0,
  failed: 0,
  checkpoint: null,
  error: null,
  remaining: null,
  createdAt: new Date(),
  finishedAt: null,
} as unknown as BackgroundJobRow;

/** A runner over a repository whose `running` and `finish` the test gives (the rest answer as for a live job here). */
function runnerWith(repository: Pick<JobRepository, "running" | "finish">, pollIntervalMs: number): JobRunner {
  const db = { ...repository, takeOver: async () => true, progress: async () => undefined } as unknown as JobRepository;
  return new JobRunner({ db, instance: { id: "me", liveIds: async () => new Set(["me"]) }, logger: pino({ level: "silent" }) }, { pollIntervalMs });
}

describe("the job runner's poll", () => {
  it("does not run again a job whose run ended while the poll was reading the running jobs", async () => {
    const read = deferred<(BackgroundJobRow & { bucket: { name: string } })[]>();
    const ends: JobEnd[] = [];
    const runner = runnerWith(
      {
        running: () => read.promise,
        finish: async (_id: string, _owner: string, end: JobEnd) => {
          ends.push(end);
          return { ...job, state: end.state };
        },
      },
      60_000,
    );
    let runs = 0;
    const finishRun = deferred<JobEnd>();
    runner.handle("fetch-object", { run: () => ((runs += 1), runs === 1 ? finishRun.promise : Promise.resolve({ state: "completed" })) });

    runner.launch(job); // accepted here: runs at once
    runner.start(); // the poll reads the running jobs (held until released below)
    finishRun.resolve({ state: "completed" });
    while (runner.runningJobIds.length > 0) await new Promise((resolve) => setImmediate(resolve));
    expect(ends).toEqual([{ state: "completed" }]);
    // The read, made before the end was recorded, still lists the job as running and owned here.
    read.resolve([{ ...job, bucket: { name: "b" } }]);
    // The poll goes through that list before the runner closes (close() would stop it launching anything).
    await (runner as unknown as { ticking: Promise<void> | null }).ticking;
    await runner.close();
    expect(runs).toBe(1);
    expect(ends).toHaveLength(1);
  });

  it("runs again, at the next poll, a job whose end could not be recorded", async () => {
    let reads = 0;
    let failFinish = true;
    const runner = runnerWith(
      {
        running: async () => {
          reads += 1;
          return [{ ...job, bucket: { name: "b" } }];
        },
        finish: async () => {
          if (failFinish) {
            failFinish = false;
            throw new Error("database is locked");
          }
          return { ...job, state: "completed" };
        },
      },
      20,
    );
    let runs = 0;
    runner.handle("fetch-object", { run: async () => ((runs += 1), { state: "completed" }) });
    runner.launch(job);
    runner.start();
    while (runs < 2) await new Promise((resolve) => setTimeout(resolve, 5));
    await runner.close();
    expect(runs).toBe(2);
    expect(reads).toBeGreaterThanOrEqual(2);
  });
});
