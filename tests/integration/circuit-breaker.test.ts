/**
 * The circuit breaker per origin, in a real child server configured through its environment
 * (ORIGIN_BREAKER_*): 5 failures (5xx, a reset connection, a timeout) open it; misses then fail
 * fast with 424 and Retry-After without asking the origin, in BOS and S3; after the open period one
 * probe goes through while everything else still fails fast; the probe's success closes it and its
 * failure opens it again. 404 and 403 are answers, never failures.
 */
import { createHash } from "node:crypto";
import type { ServerResponse } from "node:http";
import { request } from "undici";
import { afterAll, beforeAll, expect, it } from "vitest";
import * as eventsRoute from "@/app/api/buckets/[bucket]/mirror-events/route";
import type { MirrorEventsPage } from "@/lib/activity/activity-query";
import { signRequest } from "@/lib/s3/auth/sign";
import { RecordingOrigin } from "../support/recording-origin";
import { bucketWithRules } from "../support/object-server";
import { callRoute } from "../support/route-client";
import { startServerProcess, type ServerProcess } from "../support/server-process";
import { TEST_CREDENTIALS, signedFetch } from "../support/signed-fetch";
import { waitFor } from "../support/wait";

const OPEN_MS = 1_500;

let server: ServerProcess;
/** Fails on purpose; its breaker is the one under test. */
let failing: RecordingOrigin;
/** Answers 404 and 403: an origin that is up. */
let answering: RecordingOrigin;

beforeAll(async () => {
  failing = await new RecordingOrigin().start();
  answering = await new RecordingOrigin().start();
  server = await startServerProcess({
    ORIGIN_BREAKER_FAILURES: "5",
    ORIGIN_BREAKER_WINDOW_MS: "30000",
    ORIGIN_BREAKER_OPEN_MS: String(OPEN_MS),
    // One failure is a headers timeout; the held probe below waits on its body as long as it must.
    ORIGIN_HEADERS_TIMEOUT_MS: "1000",
  });
  await bucketWithRules(server.url, "fragile", [{ sourceUrl: `http://${failing.host}` }]);
  await bucketWithRules(server.url, "sturdy", [{ sourceUrl: `http://${answering.host}` }]);
});
afterAll(async () => {
  await server?.kill();
  await failing?.stop();
  await answering?.stop();
});

const get = (bucket: string, key: string) => signedFetch(`${server.url}/v1/${bucket}/${key}`);
const asked = (origin: RecordingOrigin, key: string) => origin.requestsFor(`/${key}`).length;
const status = (code: number) => (_req: unknown, res: ServerResponse) => res.writeHead(code).end(`HTTP ${code}`);

async function s3Get(bucket: string, key: string) {
  const host = new URL(server.url).host;
  const rawPath = `/${bucket}/${key}`;
  const payloadHash = createHash("sha256").update("").digest("hex");
  const signed = signRequest({ method: "GET", rawPath, rawQuery: "", headers: { host } }, TEST_CREDENTIALS, { region: "us-east-1", payloadHash });
  const response = await request(`${server.url}${rawPath}`, { headers: signed.headers });
  return { status: response.statusCode, headers: response.headers, body: await response.body.text() };
}

/** Expects the fast refusal: 424 naming the origin unavailable, Retry-After, and the origin not asked. */
async function expectRefused(key: string): Promise<void> {
  const response = await get("fragile", key);
  const body = await response.json();
  expect(response.status, JSON.stringify(body)).toBe(424);
  expect(body).toMatchObject({ code: "MirrorFailed", message: expect.stringMatching(new RegExp(`origin ${failing.host} is unavailable since .* retries it at`)) });
  const retryAfter = Number(response.headers.get("retry-after"));
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(Math.ceil(OPEN_MS / 1000));
  expect(asked(failing, key)).toBe(0);
}

/** Five failures of the kinds that count: 5xx, a reset connection, no response headers in time. */
async function breakOrigin(prefix: string): Promise<void> {
  failing.on(`/${prefix}1`, status(500)).on(`/${prefix}2`, status(502)).on(`/${prefix}3`, status(503));
  failing.on(`/${prefix}4`, (req) => req.socket.destroy());
  failing.on(`/${prefix}5`, () => undefined); // never answers: the headers timeout
  for (let i = 1; i <= 5; i++) {
    const response = await get("fragile", `${prefix}${i}`);
    expect(response.status).toBe(424);
    expect((await response.json()).message).not.toContain("unavailable");
  }
}

/** The instance's `bosmirror_origin_circuit_open` for the failing origin, or null when it reports none. */
async function circuitOpenGauge(): Promise<string | null> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  const line = text.split("\n").find((entry) => entry.startsWith(`bosmirror_origin_circuit_open{origin="${failing.host}"}`));
  return line ? line.slice(line.lastIndexOf(" ") + 1) : null;
}

it("opens after 5 failures, then fails fast with 424 and Retry-After without asking the origin, in BOS and S3", async () => {
  failing.serve("/after-open", "would have worked");
  await breakOrigin("f");
  await expectRefused("after-open");
  expect(await circuitOpenGauge()).toBe("1");

  const s3 = await s3Get("fragile", "after-open");
  expect(s3.status).toBe(424);
  expect(s3.body).toContain("<Code>MirrorFailed</Code>");
  expect(s3.body).toContain("unavailable");
  expect(Number(s3.headers["retry-after"])).toBeGreaterThanOrEqual(1);
  expect(asked(failing, "after-open")).toBe(0);

  // Each refusal is an outcome of its own in the bucket's activity (written by the child server).
  const refusals = async () => ((await callRoute(eventsRoute.GET, { params: { bucket: "fragile" }, query: "outcome=circuit-open" })).body as MirrorEventsPage).events;
  await waitFor(async () => (await refusals()).length === 2, "both refusals to be recorded");
  expect((await refusals())[0]).toMatchObject({ key: "after-open", outcome: "circuit-open", originUrl: `http://${failing.host}/after-open`, reason: expect.stringContaining("unavailable") });
});

it("lets one probe through after the open period, refuses the rest while it runs, and closes when it succeeds", async () => {
  const heldProbe: ServerResponse[] = [];
  failing.on("/probe", (_req, res) => {
    res.writeHead(200, { "content-length": 6 });
    heldProbe.push(res);
  });
  failing.serve("/other", "other").serve("/closed", "closed again");

  // One GET at a time until the origin sees the probe: the earlier ones are refused at once.
  let probe: Promise<Response> | null = null;
  let inFlight = false;
  await waitFor(() => {
    if (asked(failing, "probe") > 0) return true;
    if (!inFlight) {
      inFlight = true;
      probe = get("fragile", "probe");
      void probe.then(async (response) => {
        if (response.status !== 424) return; // the probe: its body is read below
        await response.arrayBuffer();
        inFlight = false;
      });
    }
    return false;
  }, "the open period to end and the probe to reach the origin");

  // While the probe is out, other misses still fail fast.
  await expectRefused("other");

  heldProbe[0]!.end("probed");
  const answered = await probe!;
  expect(answered.status).toBe(200);
  expect(await answered.text()).toBe("probed");
  expect(asked(failing, "probe")).toBe(1);

  const closed = await get("fragile", "closed");
  expect(closed.status).toBe(200);
  expect(asked(failing, "closed")).toBe(1);
  // Closed: 0, or no line at all once nothing is in flight (the origin has no state to report).
  expect(["0", null]).toContain(await circuitOpenGauge());
});

it("opens again for another period when the probe fails", async () => {
  await breakOrigin("g");
  failing.on("/probe2", status(500));
  failing.serve("/x", "x").serve("/y", "y after all");

  // The probe goes through once the period is over, and fails.
  await waitFor(async () => {
    const response = await get("fragile", "probe2");
    return (await response.json()).message.includes("HTTP 500");
  }, "the probe to reach the origin and fail");
  expect(asked(failing, "probe2")).toBe(1);
  await expectRefused("x");

  // ...and after another period, the next probe succeeds.
  await waitFor(async () => (await get("fragile", "y")).status === 200, "the next probe to close the breaker");
  expect(asked(failing, "y")).toBe(1);
});

it("counts 404 and 403 as answers: they never open the breaker", async () => {
  for (let i = 0; i < 5; i++) answering.on(`/forbidden-${i}`, status(403));
  answering.serve("/fine", "fine");
  for (let i = 0; i < 10; i++) expect((await get("sturdy", `missing-${i}`)).status).toBe(404);
  for (let i = 0; i < 5; i++) expect((await get("sturdy", `forbidden-${i}`)).status).toBe(424);
  expect(answering.received).toHaveLength(15);
  const fine = await get("sturdy", "fine");
  expect(fine.status).toBe(200);
  expect(asked(answering, "fine")).toBe(1);
});
