/**
 * A job whose keys need no origin request (no rule matches) runs through without an origin: a
 * 20,000-key streamed list completes with every key counted, and the server answers requests
 * while it runs (such a job settles keys with database queries only, which settle in promise
 * callbacks: without the job's turns of the event loop, requests waited until it ended).
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { readJob, startImportFromList, waitForState } from "../support/import-jobs";
import { bucketWithRules, startObjectServer, type TestObjectServer } from "../support/object-server";
import { signedFetch } from "../support/signed-fetch";

let server: TestObjectServer;

beforeAll(async () => {
  server = await startObjectServer();
  await bucketWithRules(server.url, "no-origin");
});
afterAll(async () => {
  await server.stop();
});

it("completes a job of keys no rule matches, answering requests meanwhile", async () => {
  const keys = Array.from({ length: 20_000 }, (_, i) => `k/${i}`);
  const created = await startImportFromList("no-origin", [keys.join("\n")], "concurrency=16");
  expect(created.status).toBe(201);
  const id = created.body.id as number;
  const listed = await signedFetch(`${server.url}/v1/no-origin?maxKeys=1`);
  expect(listed.status).toBe(200);
  // Answered while the job runs, not after it (20,000 keys take a second or more here).
  const during = await readJob("no-origin", id);
  expect(during.noRule).toBeLessThan(keys.length);
  expect(await waitForState("no-origin", id, "completed")).toMatchObject({ total: keys.length, noRule: keys.length });
});
