/**
 * A job whose keys need no origin request (no rule matches) runs through without an origin: a
 * 3,000-key streamed list completes with every key counted, and the server answers requests
 * while it runs.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { startImportFromList, waitForState } from "../support/import-jobs";
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
  const keys = Array.from({ length: 3000 }, (_, i) => `k/${i}`);
  const created = await startImportFromList("no-origin", [keys.join("\n")], "concurrency=16");
  expect(created.status).toBe(201);
  const listed = await signedFetch(`${server.url}/v1/no-origin?maxKeys=1`);
  expect(listed.status).toBe(200);
  expect(await waitForState("no-origin", created.body.id as number, "completed")).toMatchObject({ total: 3000, noRule: 3000 });
});
