/**
 * Redirect mode under a flood of distinct keys: every client gets its 302, but background fetches
 * go through a bounded queue, at most the origin limiter's number run at once per origin, and the
 * rest of the service keeps answering.
 */
import type { ServerResponse } from "node:http";
import { afterAll, beforeAll, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { RecordingOrigin } from "../support/recording-origin";
import { PATIENT_TIMEOUTS, bucketWithRules, startObjectServer, type TestObjectServer } from "../support/object-server";
import { signedFetch } from "../support/signed-fetch";
import { waitFor } from "../support/wait";

const QUEUE = 5;
const PER_ORIGIN = 2;
const FLOOD = 60;

let server: TestObjectServer;
let origin: RecordingOrigin;
let inFlight = 0;
let releasing = false;
const held: ServerResponse[] = [];
const answer = (res: ServerResponse) => res.end("pulled");

beforeAll(async () => {
  // The origin holds its answers until every GET is in: no timeout may end them before.
  server = await startObjectServer(undefined, { backgroundQueue: QUEUE, originConcurrency: PER_ORIGIN }, { originTimeouts: PATIENT_TIMEOUTS });
  origin = await new RecordingOrigin().start();
  for (let i = 0; i < FLOOD; i++) {
    origin.on(`/flood/${i}`, (_req, res) => {
      inFlight += 1;
      res.on("close", () => (inFlight -= 1));
      res.writeHead(200, { "content-length": 6 });
      if (releasing) answer(res);
      else held.push(res);
    });
  }
  await bucketWithRules(server.url, "flood", [{ mode: "redirect", sourceUrl: `http://${origin.host}` }]);
  await signedFetch(`${server.url}/v1/flood?acl`, { method: "PUT", headers: { "x-bce-acl": "public-read" } });
});
afterAll(async () => {
  await server.stop();
  await origin.stop();
});

it("answers every anonymous GET with a 302, runs at most the per-origin limit, keeps a bounded number pending and counts the rest", async () => {
  const answers = await Promise.all(Array.from({ length: FLOOD }, (_, i) => fetch(`${server.url}/v1/flood/flood/${i}`, { redirect: "manual" })));
  expect(answers.map((response) => response.status)).toEqual(Array(FLOOD).fill(302));

  const waiting = () => server.engine.originHealth().find((health) => health.origin === origin.host)?.queued;
  await waitFor(() => inFlight === PER_ORIGIN && waiting() === QUEUE - PER_ORIGIN, "the first background fetches to reach the origin, the rest to wait");
  expect(server.engine.backgroundStats).toEqual({ pending: QUEUE, dropped: FLOOD - QUEUE });
  expect(server.engine.originHealth()).toEqual([expect.objectContaining({ origin: origin.host, inflight: PER_ORIGIN, circuit: "closed" })]);

  // The rest of the service is not starved while the origin holds every connection.
  const put = await signedFetch(`${server.url}/v1/flood/uploaded`, { method: "PUT", body: "still works" });
  expect(put.status).toBe(200);
  expect(inFlight).toBe(PER_ORIGIN);

  releasing = true;
  held.splice(0).forEach(answer);
  await waitFor(() => server.engine.backgroundStats.pending === 0, "the queue to drain");
  await waitFor(() => server.engine.idle, "the last fetch to be stored");
  expect(origin.received).toHaveLength(QUEUE);
  expect(await db().storedObject.count({ where: { key: { startsWith: "flood/" } } })).toBe(QUEUE);
});

it("does not queue a key twice, and fetches a dropped key again on a later miss", async () => {
  const before = origin.received.length;
  const key = `flood/${FLOOD - 1}`; // dropped in the flood above
  await Promise.all([1, 2, 3].map(() => fetch(`${server.url}/v1/flood/${key}`, { redirect: "manual" })));
  await waitFor(async () => (await db().storedObject.count({ where: { key } })) === 1, "the dropped key to be fetched now");
  expect(origin.received.length - before).toBe(1);
});
