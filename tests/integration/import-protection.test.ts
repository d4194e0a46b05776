/**
 * Imports and FetchObject bypass the negative cache (a remembered origin 404 stops GET misses, not
 * an import that is asked to fetch), and each import pull is reported to the back-to-origin
 * activity with source "import".
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { currentApp } from "@/lib/runtime/current-app";
import { startImport, waitForState } from "../support/import-jobs";
import { bucketWithRules, startObjectServer, type TestObjectServer } from "../support/object-server";
import { RecordingOrigin } from "../support/recording-origin";
import { signedFetch } from "../support/signed-fetch";
import { waitFor } from "../support/wait";

let server: TestObjectServer;
let origin: RecordingOrigin;

beforeAll(async () => {
  server = await startObjectServer(undefined, { negativeCache: { ttlMs: 10 * 60_000, maxBytes: 1024 * 1024 } });
  origin = await new RecordingOrigin().start();
  await bucketWithRules(server.url, "protected", [{ resource: "*", sourceUrl: `http://${origin.host}` }]);
});
afterAll(async () => {
  await origin.stop();
  await server.stop();
});

it("fetches a key whose 404 the negative cache remembers, and reports the pull as an import", async () => {
  expect((await signedFetch(`${server.url}/v1/protected/late.txt`)).status).toBe(404);
  origin.serve("/late.txt", "arrived later");
  // The 404 is remembered: a GET does not ask the origin again.
  expect((await signedFetch(`${server.url}/v1/protected/late.txt`)).status).toBe(404);
  expect(origin.requestsFor("/late.txt")).toHaveLength(1);

  const job = await startImport("protected", { source: { type: "keys", keys: ["late.txt"] } });
  expect(await waitForState("protected", job.id, "completed")).toMatchObject({ pulled: 1 });
  expect(origin.requestsFor("/late.txt")).toHaveLength(2);
  expect(await (await signedFetch(`${server.url}/v1/protected/late.txt`)).text()).toBe("arrived later");

  const bucketId = (await db().bucket.findUniqueOrThrow({ where: { name: "protected" } })).id;
  await waitFor(async () => (await db().mirrorEvent.count({ where: { bucketId, source: "import", outcome: "pulled", key: "late.txt" } })) === 1, "the import's pull in the recent events");

  const metrics = await currentApp().telemetry.metrics!.scrape();
  expect(metrics).toContain('bosmirror_import_jobs{state="completed"} 1');
  expect(metrics).toContain('bosmirror_import_jobs{state="running"} 0');
});
