/**
 * At most ORIGIN_MAX_CONCURRENCY requests at a time reach one origin host, whoever asks (GET
 * misses, import jobs); the rest wait in a fair queue, and a GET miss past the queue gets 503
 * SlowDown with Retry-After, in BOS and in S3 alike. Counted at a real origin that holds its answers.
 */
import { createHash } from "node:crypto";
import type { ServerResponse } from "node:http";
import { request } from "undici";
import { afterAll, beforeAll, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { listRulesForBucketId } from "@/lib/mirroring/rule-service";
import { signRequest } from "@/lib/s3/auth/sign";
import * as originsHealthRoute from "@/app/api/buckets/[bucket]/origins-health/route";
import * as originCheckRoute from "@/app/api/buckets/[bucket]/mirroring/origin-check/route";
import { RecordingOrigin } from "../support/recording-origin";
import { PATIENT_TIMEOUTS, bucketWithRules, startObjectServer, type TestObjectServer } from "../support/object-server";
import { callRoute } from "../support/route-client";
import { TEST_CREDENTIALS, signedFetch } from "../support/signed-fetch";
import { waitFor } from "../support/wait";

const CONCURRENCY = 2;
const QUEUE = 2;

let server: TestObjectServer;
let origin: RecordingOrigin;
let inFlight = 0;
let maxInFlight = 0;
/** Held answers, in the order their requests arrived. */
const held: { path: string; res: ServerResponse }[] = [];

const answer = ({ path, res }: { path: string; res: ServerResponse }) => res.end(`body of ${path}`);

beforeAll(async () => {
  // The origin holds its answers until the test releases them: no timeout may end them first.
  server = await startObjectServer(undefined, { originConcurrency: CONCURRENCY, originQueue: QUEUE }, { originTimeouts: PATIENT_TIMEOUTS });
  origin = await new RecordingOrigin().start();
  const hold = (path: string) =>
    origin.on(path, (_req, res) => {
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      res.on("close", () => (inFlight -= 1));
      res.writeHead(200, { "content-length": Buffer.byteLength(`body of ${path}`) });
      held.push({ path, res });
    });
  for (const name of ["a", "b", "c", "d", "e", "f", "g", "h", "i0", "i1", "i2", "i3", "late", "fo0", "fo1", "fo2", "fo3", "fo4", "p0", "p1", "p2", "p3"]) hold(`/${name}`);
  await bucketWithRules(server.url, "limited", [{ sourceUrl: `http://${origin.host}` }]);
});
afterAll(async () => {
  held.splice(0).forEach(answer);
  await server.stop();
  await origin.stop();
});

/**
 * Answers `total` held requests oldest first; while others wait, each freed turn is taken (a new
 * request arrives) before the next answer, so the order of arrival is the queue's order.
 */
async function releaseInTurn(total: number): Promise<void> {
  for (let answered = 1; answered <= total; answered++) {
    await waitFor(() => held.length > 0, "the next request to reach the origin");
    const arrived = origin.received.length;
    answer(held.shift()!);
    if (answered <= total - CONCURRENCY) await waitFor(() => origin.received.length > arrived, "the freed turn to be taken");
  }
}

const health = () => server.engine.originHealth().find((entry) => entry.origin === origin.host);
const get = (key: string) => signedFetch(`${server.url}/v1/limited/${key}`);

/** A signed S3 GetObject, without an SDK (the SDKs retry SlowDown on their own). */
async function s3Get(key: string) {
  const host = new URL(server.url).host;
  const rawPath = `/limited/${key}`;
  const payloadHash = createHash("sha256").update("").digest("hex");
  const signed = signRequest({ method: "GET", rawPath, rawQuery: "", headers: { host } }, TEST_CREDENTIALS, { region: "us-east-1", payloadHash });
  const response = await request(`${server.url}${rawPath}`, { headers: signed.headers });
  return { status: response.statusCode, headers: response.headers, body: await response.body.text() };
}

it("lets at most the limit reach the origin, queues the next GETs, and answers SlowDown with Retry-After past the queue (BOS and S3)", async () => {
  const waiting = ["a", "b", "c", "d"].map((key) => get(key));
  await waitFor(() => inFlight === CONCURRENCY && health()?.queued === QUEUE, "two requests at the origin and two waiting");

  const refused = await get("e");
  expect(refused.status).toBe(503);
  expect(refused.headers.get("retry-after")).toBe("1");
  expect(await refused.json()).toMatchObject({ code: "SlowDown", message: expect.stringContaining(origin.host) });

  const s3Refused = await s3Get("f");
  expect(s3Refused.status).toBe(503);
  expect(s3Refused.headers["retry-after"]).toBe("1");
  expect(s3Refused.body).toContain("<Code>SlowDown</Code>");

  // The console's view of the same origin.
  const view = await callRoute(originsHealthRoute.GET, { params: { bucket: "limited" } });
  expect(view.body.origins).toEqual([expect.objectContaining({ origin: origin.host, circuit: "closed", inflight: CONCURRENCY, queued: QUEUE })]);
  // And /metrics.
  const metrics = await (await fetch(`${server.url}/metrics`)).text();
  expect(metrics).toContain(`bosmirror_origin_inflight{origin="${origin.host}"} ${CONCURRENCY}`);
  expect(metrics).toContain(`bosmirror_origin_queued{origin="${origin.host}"} ${QUEUE}`);

  expect(origin.requestsFor("/e")).toHaveLength(0);
  expect(origin.requestsFor("/f")).toHaveLength(0);
  // Each freed turn goes to a waiting GET, never more than the limit at once.
  await releaseInTurn(4);
  const answers = await Promise.all(waiting);
  expect(answers.map((response) => response.status)).toEqual([200, 200, 200, 200]);
  expect(await answers[3]!.text()).toBe("body of /d");
  expect(maxInFlight).toBe(CONCURRENCY);
  await waitFor(() => health() === undefined, "the origin's lane to empty");
});

it("checks the origin through the same gate: past the queue the check reports busy and asks nothing", async () => {
  const waiting = ["p0", "p1", "p2", "p3"].map((key) => get(key));
  await waitFor(() => inFlight === CONCURRENCY && health()?.queued === QUEUE, "two requests at the origin and two waiting");
  const rule = { origin: { type: "url", protocol: "http", host: origin.host }, storageClass: "STANDARD" };
  const check = await callRoute(originCheckRoute.POST, { params: { bucket: "limited" }, body: { rule, key: "probe-me" } });
  expect(check.status).toBe(200);
  expect(check.body.targets).toEqual([expect.objectContaining({ role: "primary", result: expect.objectContaining({ ok: false, reason: "busy" }) })]);
  expect(origin.requestsFor("/probe-me")).toHaveLength(0);
  await releaseInTurn(4);
  expect((await Promise.all(waiting)).map((response) => response.status)).toEqual([200, 200, 200, 200]);
  await waitFor(() => health() === undefined, "the origin's lane to empty");
});

it("answers a synchronous FetchObject past the origin's queue with SlowDown, and stores what it let through", async () => {
  const fetchObject = (n: number) =>
    signedFetch(`${server.url}/v1/limited/fetched/${n}?fetch`, { method: "POST", headers: { "x-bce-fetch-source": `http://${origin.host}/fo${n}` } });
  const waiting = [0, 1, 2, 3].map((n) => fetchObject(n));
  await waitFor(() => inFlight === CONCURRENCY && health()?.queued === QUEUE, "two fetches at the origin and two waiting");

  const refused = await fetchObject(4);
  expect(refused.status).toBe(503);
  expect(refused.headers.get("retry-after")).toBe("1");
  expect(await refused.json()).toMatchObject({ code: "SlowDown", message: expect.stringContaining(origin.host) });
  expect(origin.requestsFor("/fo4")).toHaveLength(0);

  await releaseInTurn(4);
  expect((await Promise.all(waiting)).map((response) => response.status)).toEqual([200, 200, 200, 200]);
  expect(await (await get("fetched/3")).text()).toBe("body of /fo3");
  expect((await get("fetched/4")).status).toBe(404);
  expect(maxInFlight).toBe(CONCURRENCY);
  await waitFor(() => health() === undefined, "the origin's lane to empty");
});

it("shares the turns with import jobs and serves parties in turn: a GET does not wait behind a whole import", async () => {
  const bucket = await db().bucket.findUniqueOrThrow({ where: { name: "limited" } });
  const [rule] = await listRulesForBucketId(bucket.id);
  const arrivedBefore = origin.received.length;
  // Two GETs take both turns; four import pulls, then one GET, wait.
  const gets = [get("g"), get("h")];
  await waitFor(() => inFlight === CONCURRENCY, "both turns taken");
  const imports = ["i0", "i1", "i2", "i3"].map((key) => server.engine.fetch(bucket, key, rule!, { rawQuery: "", headers: {} }, "import").done);
  await waitFor(() => health()?.queued === 4, "the import pulls to wait");
  const late = get("late");
  await waitFor(() => health()?.queued === 5, "the GET to wait behind them");

  await releaseInTurn(7);
  await Promise.all([...gets, late, ...imports]);
  const order = origin.received.slice(arrivedBefore).map((received) => received.path);
  // After the first import pull, the GET's party has its turn (not after all four).
  expect(order.slice(2)).toEqual(["/i0", "/late", "/i1", "/i2", "/i3"]);
  expect((await late).status).toBe(200);
  expect(maxInFlight).toBe(CONCURRENCY);
});
