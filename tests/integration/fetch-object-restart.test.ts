/**
 * An accepted async FetchObject survives kill -9 of the server: it is a job row before the client
 * hears its jobId, and the next start takes over its previous life's job and pulls the URL again.
 */
import { createHash, randomBytes } from "node:crypto";
import { expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { bucketWithRules } from "../support/object-server";
import { RecordingOrigin } from "../support/recording-origin";
import { serverProcessesFor } from "../support/server-process";
import { signedFetch } from "../support/signed-fetch";
import { TEST_TIMEOUT_MS } from "../support/timeouts";
import { waitFor } from "../support/wait";

const origin = new RecordingOrigin();
const processes = serverProcessesFor(origin);
const md5 = (bytes: Buffer) => createHash("md5").update(bytes).digest("hex");
// The first pull is held open until the kill: a short body timeout would end it first on a busy machine.
const PATIENT = { ORIGIN_BODY_IDLE_TIMEOUT_MS: "60000" };
/** The restarted server logs at info, so a failure below shows what it did (takeover, pulls, job end). */
const LOGGING = { ...PATIENT, LOG_LEVEL: "info" };

it("pulls an accepted async fetch again after kill -9 and a restart, and stores it whole", async () => {
  const body = randomBytes(1024 * 1024);
  let first = true;
  origin.on("/source.bin", (_req, res) => {
    res.writeHead(200, { "content-length": body.length });
    if (!first) return void res.end(body);
    first = false;
    res.write(body.subarray(0, 256 * 1024)); // and never the rest: the server dies
  });
  let server = await processes.start(PATIENT);
  await bucketWithRules(server.url, "later");
  const accepted = await signedFetch(`${server.url}/v1/later/copy.bin?fetch`, {
    method: "POST",
    headers: { "x-bce-fetch-source": `http://${origin.host}/source.bin`, "x-bce-fetch-mode": "async" },
  });
  expect(accepted.status).toBe(200);
  const { jobId } = (await accepted.json()) as { jobId: string };
  expect(jobId).toMatch(/^fo-[0-9a-f]{32}$/);
  await waitFor(() => origin.requestsFor("/source.bin").length === 1, "the server to start the fetch");

  await server.kill();
  expect(await db().backgroundJob.findUniqueOrThrow({ where: { id: jobId } })).toMatchObject({ kind: "fetch-object", state: "running" });
  expect(await db().storedObject.count({ where: { key: "copy.bin" } })).toBe(0);

  server = await processes.start(LOGGING);
  await waitFor(async () => (await db().backgroundJob.findUniqueOrThrow({ where: { id: jobId } })).state !== "running", "the restarted server to complete the fetch");
  expect(await db().backgroundJob.findUniqueOrThrow({ where: { id: jobId } })).toMatchObject({ state: "completed", done: 1, error: null });
  // Once (session 7, the whole PostgreSQL suite running) a third request came; the logs say why next time.
  expect(origin.requestsFor("/source.bin").length, `requests for /source.bin; the restarted server's log:\n${server.stdout()}`).toBe(2);
  const stored = await signedFetch(`${server.url}/v1/later/copy.bin`);
  expect(md5(Buffer.from(await stored.arrayBuffer()))).toBe(md5(body));
  // Two server starts (migrations, recovery): twice one test's ceiling.
}, 2 * TEST_TIMEOUT_MS);
