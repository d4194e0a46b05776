/**
 * kill -9 of the server in the middle of an import job, then a restart: the job goes on from its
 * checkpoint (the items not yet recorded) and completes, with every key counted once.
 */
import type { ServerResponse } from "node:http";
import { expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { startImport, waitForJob, waitForState } from "../support/import-jobs";
import { bucketWithRules } from "../support/object-server";
import { RecordingOrigin } from "../support/recording-origin";
import { serverProcessesFor } from "../support/server-process";
import { signedFetch } from "../support/signed-fetch";
import { TEST_TIMEOUT_MS } from "../support/timeouts";
import { waitFor } from "../support/wait";

const origin = new RecordingOrigin();
const processes = serverProcessesFor(origin);

it("resumes a job after kill -9 and completes it, each key counted once", async () => {
  const keys = Array.from({ length: 12 }, (_, i) => `k/${String(i).padStart(2, "0")}`);
  let holding = true;
  const held: ServerResponse[] = [];
  for (const [i, key] of keys.entries()) {
    const body = `content ${i}`;
    origin.on(`/${key}`, (_req, res) => {
      const answer = (response: ServerResponse) => response.writeHead(200, { "content-length": body.length }).end(body);
      // The first four answer at once; the rest wait until after the crash.
      if (i < 4 || !holding) answer(res);
      else held.push(res);
    });
  }

  let server = await processes.start();
  await bucketWithRules(server.url, "resume", [{ resource: "*", sourceUrl: `http://${origin.host}` }]);
  // The job is created through the route in this process; the server process's runner picks it up.
  const created = await startImport("resume", { source: { type: "keys", keys }, concurrency: 2 });
  await waitForJob("resume", created.id, "the first four keys recorded", (job) => job.pulled === 4);
  await waitFor(() => held.length === 2, "two pulls held at the origin");

  await server.kill();
  for (const res of held.splice(0)) res.destroy();
  const crashed = await db().importJob.findUniqueOrThrow({ where: { id: created.id } });
  expect(crashed.state).toBe("running");
  expect(await db().importItem.count({ where: { jobId: created.id, state: "running" } })).toBeGreaterThanOrEqual(2);

  holding = false;
  server = await processes.start();
  const done = await waitForState("resume", created.id, "completed");
  expect(done).toMatchObject({ total: 12, pulled: 12, skipped: 0, failed: 0 });
  expect(await db().importItem.count({ where: { jobId: created.id, state: { not: "pulled" } } })).toBe(0);
  const response = await signedFetch(`${server.url}/v1/resume/k/11`);
  expect(await response.text()).toBe("content 11");
  // Two server starts (migrations, recovery) and two runs: twice one test's ceiling.
}, 2 * TEST_TIMEOUT_MS);
