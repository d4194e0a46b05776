/**
 * Every back-to-origin outcome counted per bucket and rule, listed as a recent event, exported as
 * metrics: real pulls from real loopback origins through the object API.
 */
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as activityRoute from "@/app/api/buckets/[bucket]/activity/route";
import * as eventsRoute from "@/app/api/buckets/[bucket]/mirror-events/route";
import { ActivityRecorder, EVENTS_PER_BUCKET } from "@/lib/activity/activity-recorder";
import type { BucketActivity, MirrorEventsPage } from "@/lib/activity/activity-query";
import { db } from "@/lib/db/client";
import { currentApp } from "@/lib/runtime/current-app";
import { RecordingOrigin } from "../support/recording-origin";
import { PATIENT_TIMEOUTS, bucketWithRules, startObjectServer, type TestObjectServer } from "../support/object-server";
import { callRoute } from "../support/route-client";
import { signedFetch } from "../support/signed-fetch";
import { waitFor } from "../support/wait";

let server: TestObjectServer;
let origin: RecordingOrigin;
let other: RecordingOrigin;

const body = Buffer.from("mirrored bytes, 27 of them!");
const md5 = createHash("md5").update(body).digest("base64");

beforeAll(async () => {
  server = await startObjectServer();
  origin = await new RecordingOrigin().start();
  other = await new RecordingOrigin().start();
  origin
    .serve("/files/ok.bin", body, { "content-md5": md5 })
    .serve("/files/also-ok.bin", body)
    .serve("/files/corrupt.bin", body, { "content-md5": createHash("md5").update("other").digest("base64") })
    .on("/files/broken.bin", (_req, res) => void res.writeHead(503).end("down for maintenance"));
  other.serve("/moved.bin", body);
  await bucketWithRules(server.url, "activity", [
    { resource: "files*", sourceUrl: `http://${origin.host}` },
    { resource: "moved*", mode: "redirect", sourceUrl: `http://${other.host}` },
  ]);
  const get = (key: string) => signedFetch(`${server.url}/v1/activity/${key}`, { redirect: "manual" }).then(async (r) => (await r.arrayBuffer(), r.status));
  expect(await get("files/ok.bin")).toBe(200);
  expect(await get("files/also-ok.bin")).toBe(200);
  expect(await get("files/ok.bin")).toBe(200); // a hit: no outcome
  expect(await get("files/nothing-here.bin")).toBe(404);
  expect(await get("files/broken.bin")).toBe(424);
  // The client's transfer breaks: the digest does not match.
  await expect(get("files/corrupt.bin")).rejects.toThrow();
  expect(await get("moved.bin")).toBe(302);
  await get("no-rule.bin"); // no rule: not back-to-origin, not counted
  await waitFor(() => server.engine.idle, "the fetches to settle");
});
afterAll(async () => {
  await server.stop();
  await origin.stop();
  await other.stop();
});

const rules = async () => (await db().mirrorRule.findMany({ where: { bucket: { name: "activity" } }, orderBy: { id: "asc" } })).map((rule) => rule.id);

async function activity(query?: string): Promise<BucketActivity> {
  const answer = await callRoute(activityRoute.GET, { params: { bucket: "activity" }, query });
  expect(answer.status).toBe(200);
  return answer.body as BucketActivity;
}

async function events(query?: string): Promise<MirrorEventsPage> {
  const answer = await callRoute(eventsRoute.GET, { params: { bucket: "activity" }, query });
  expect(answer.status).toBe(200);
  return answer.body as MirrorEventsPage;
}

describe("activity per bucket and rule", () => {
  it("counts each outcome under the rule that applied, with the bytes pulled", async () => {
    const [fetchRule, redirectRule] = await rules();
    const result = await activity();
    const byRule = new Map(result.rules.map((rule) => [rule.ruleId, rule]));
    expect(byRule.get(fetchRule!)).toMatchObject({ exists: true, pulled: 2, bytes: 2 * body.length, missing: 1, failed: 2, redirected: 0 });
    // Redirect mode: the client's 302, and the fetch behind it.
    expect(byRule.get(redirectRule!)).toMatchObject({ exists: true, pulled: 1, bytes: body.length, missing: 0, failed: 0, redirected: 1 });
    expect(result.totals).toMatchObject({ pulled: 3, bytes: 3 * body.length, missing: 1, failed: 2, redirected: 1, negativeCached: 0, circuitOpen: 0 });
  });

  it("reports a continuous series whose points add up to the totals", async () => {
    const hourly = await activity("range=24h");
    expect(hourly.resolution).toBe("hour");
    expect(hourly.series).toHaveLength(24);
    const perMinute = await activity("range=1h");
    expect(perMinute.resolution).toBe("minute");
    expect(perMinute.series).toHaveLength(60);
    for (const result of [hourly, perMinute]) {
      expect(result.series.reduce((sum, point) => sum + point.pulled, 0)).toBe(3);
      expect(result.series.reduce((sum, point) => sum + point.failed, 0)).toBe(2);
      expect(Date.parse(result.series.at(-1)!.start)).toBeLessThanOrEqual(Date.now());
    }
  });

  it("refuses an unknown range and an unknown bucket", async () => {
    const bad = await callRoute(activityRoute.GET, { params: { bucket: "activity" }, query: "range=1y" });
    expect(bad.status).toBe(422);
    expect(bad.body.fieldErrors.range[0]).toMatch(/1h, 6h, 24h/);
    expect((await callRoute(activityRoute.GET, { params: { bucket: "no-such-bucket" } })).status).toBe(404);
    expect((await callRoute(activityRoute.GET, { params: { bucket: "activity" }, session: false })).status).toBe(401);
  });
});

describe("recent events", () => {
  it("lists each outcome newest first with its rule, status, reason, origin URL, bytes and duration", async () => {
    const [fetchRule] = await rules();
    const { events: list } = await events();
    expect(list.map((event) => event.outcome).sort()).toEqual(["failed", "failed", "missing", "pulled", "pulled", "pulled", "redirected"]);
    expect(list.map((event) => event.id)).toEqual([...list.map((event) => event.id)].sort((a, b) => b - a));
    const ok = list.find((event) => event.key === "files/ok.bin")!;
    expect(ok).toMatchObject({ ruleId: fetchRule, outcome: "pulled", source: "get", status: 200, reason: null, originUrl: `http://${origin.host}/files/ok.bin`, bytes: body.length });
    expect(ok.durationMs).toBeGreaterThanOrEqual(0);
    const missing = list.find((event) => event.outcome === "missing")!;
    expect(missing).toMatchObject({ key: "files/nothing-here.bin", status: 404, originUrl: `http://${origin.host}/files/nothing-here.bin` });
    const background = list.find((event) => event.key === "moved.bin" && event.outcome === "pulled")!;
    expect(background.source).toBe("background");
  });

  it("filters by outcome: the failures say why and where", async () => {
    const { events: failures } = await events("outcome=failed");
    expect(failures).toHaveLength(2);
    const broken = failures.find((event) => event.key === "files/broken.bin")!;
    expect(broken).toMatchObject({ status: 503, originUrl: `http://${origin.host}/files/broken.bin` });
    expect(broken.reason).toMatch(/HTTP 503/);
    const corrupt = failures.find((event) => event.key === "files/corrupt.bin")!;
    expect(corrupt.reason).toMatch(/MD5/);
    expect(corrupt.bytes).toBe(body.length);
    const { events: two } = await events("outcome=missing,redirected");
    expect(two.map((event) => event.outcome).sort()).toEqual(["missing", "redirected"]);
  });

  it("pages back with before and limit, and refuses a bad filter", async () => {
    const first = await events("limit=3");
    expect(first.events).toHaveLength(3);
    const rest = await events(`limit=10&before=${first.nextBefore}`);
    expect(rest.events).toHaveLength(4);
    expect(rest.nextBefore).toBeNull();
    expect(Math.max(...rest.events.map((event) => event.id))).toBeLessThan(Math.min(...first.events.map((event) => event.id)));
    for (const query of ["outcome=exploded", "limit=0", "limit=501", "limit=abc", "before=-1"]) {
      const answer = await callRoute(eventsRoute.GET, { params: { bucket: "activity" }, query });
      expect(answer.status, query).toBe(422);
    }
  });
});

describe("the recorder", () => {
  const outcome = (bucketId: number, key: string) => ({
    bucketId,
    bucketName: "recorder",
    ruleId: null,
    key,
    outcome: "pulled" as const,
    source: "fetch" as const,
    status: 200,
    reason: null,
    originUrl: "http://origin.example/x",
    bytes: 10,
    durationMs: 1,
    at: new Date(),
  });

  it("writes nothing per outcome: one transaction per flush, minute and hour rows together", async () => {
    const bucket = await db().bucket.create({ data: { name: "recorder", zoneType: "SINGLE_AZ", defaultStorageClass: "STANDARD" } });
    // A recorder of its own, whose timer never fires here (the app's flushes every second).
    const errors: unknown[] = [];
    const recorder = new ActivityRecorder(() => db(), { flushIntervalMs: 3_600_000, onError: (error) => errors.push(error) });
    // Written only by a flush (the API flushes before it reads): nothing yet after record().
    for (let i = 0; i < 5; i++) recorder.record(outcome(bucket.id, `k${i}`));
    expect(await db().mirrorEvent.count({ where: { bucketId: bucket.id } })).toBe(0);
    await recorder.flush();
    expect(await db().mirrorEvent.count({ where: { bucketId: bucket.id } })).toBe(5);
    const rows = await db().mirrorActivity.findMany({ where: { bucketId: bucket.id } });
    expect(rows.map((row) => [row.resolution, row.ruleId, row.pulled, Number(row.bytes)]).sort()).toEqual([
      ["hour", 0, 5, 50],
      ["minute", 0, 5, 50],
    ]);
    await recorder.close();
    expect(errors).toEqual([]);
  });

  it("keeps the most recent events per bucket, and forgets a deleted bucket's without failing", async () => {
    const bucket = await db().bucket.findUniqueOrThrow({ where: { name: "recorder" } });
    const recorder = currentApp().activity;
    for (let i = 0; i < EVENTS_PER_BUCKET + 20; i++) recorder.record(outcome(bucket.id, `many/${i}`));
    await recorder.flush();
    expect(await db().mirrorEvent.count({ where: { bucketId: bucket.id } })).toBe(EVENTS_PER_BUCKET);
    const oldest = await db().mirrorEvent.findFirst({ where: { bucketId: bucket.id }, orderBy: { id: "asc" } });
    expect(oldest!.key).toBe("many/20");

    recorder.record(outcome(bucket.id, "after-delete"));
    await db().bucket.delete({ where: { id: bucket.id } });
    const other = await db().bucket.findUniqueOrThrow({ where: { name: "activity" } });
    recorder.record({ ...outcome(other.id, "files/still-counted"), bucketName: "activity" });
    await recorder.flush();
    expect(await db().mirrorEvent.count({ where: { bucketId: bucket.id } })).toBe(0);
    expect(await db().mirrorEvent.count({ where: { key: "files/still-counted" } })).toBe(1);
    await db().mirrorEvent.deleteMany({ where: { key: "files/still-counted" } });
    await db().mirrorActivity.deleteMany({ where: { bucketId: other.id, ruleId: 0 } });
  });
});

describe("retention", () => {
  it("removes minute rows after 48 hours and hour rows after 90 days", async () => {
    const bucket = await db().bucket.findUniqueOrThrow({ where: { name: "activity" } });
    const nowMinute = Math.floor(Date.now() / 60_000);
    const row = (resolution: string, minutesAgo: number) => ({ bucketId: bucket.id, ruleId: 999, resolution, periodStart: nowMinute - minutesAgo - (resolution === "hour" ? (nowMinute - minutesAgo) % 60 : 0), pulled: 1 });
    await db().mirrorActivity.createMany({
      data: [row("minute", 47 * 60), row("minute", 49 * 60), row("hour", 89 * 24 * 60), row("hour", 91 * 24 * 60)],
    });
    const errors: unknown[] = [];
    // A recorder of its own: its first write prunes.
    const recorder = new ActivityRecorder(() => db(), { flushIntervalMs: 3_600_000, onError: (error) => errors.push(error) });
    recorder.record({ bucketId: bucket.id, bucketName: "activity", ruleId: 999, key: "files/prune", outcome: "missing", source: "get", status: 404, reason: null, originUrl: null, bytes: 0, durationMs: 1, at: new Date() });
    await recorder.close();
    expect(errors).toEqual([]);
    const kept = await db().mirrorActivity.findMany({ where: { bucketId: bucket.id, ruleId: 999 }, orderBy: [{ resolution: "asc" }, { periodStart: "asc" }] });
    expect(kept.map((r) => [r.resolution, Math.round((nowMinute - r.periodStart) / 1440)])).toEqual([
      ["hour", 89],
      ["hour", 0],
      ["minute", 2],
      ["minute", 0],
    ]);
    await db().mirrorActivity.deleteMany({ where: { ruleId: 999 } });
    await db().mirrorEvent.deleteMany({ where: { ruleId: 999 } });
  });
});

describe("GET /metrics", () => {
  it("exports requests by operation and pulls by bucket, rule and outcome, in Prometheus text", async () => {
    const [fetchRule, redirectRule] = await rules();
    const response = await fetch(`${server.url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    expect(text).toContain(`bosmirror_mirror_pulls_total{bucket="activity",rule="${fetchRule}",outcome="pulled"} 2`);
    expect(text).toContain(`bosmirror_mirror_pulls_total{bucket="activity",rule="${fetchRule}",outcome="failed"} 2`);
    expect(text).toContain(`bosmirror_mirror_pulls_total{bucket="activity",rule="${redirectRule}",outcome="redirected"} 1`);
    expect(text).toContain(`bosmirror_mirror_pulled_bytes_total{bucket="activity",rule="${fetchRule}"} ${2 * body.length}`);
    expect(text).toMatch(/bosmirror_http_requests_total\{protocol="bos",operation="GetObject",status="200"\} [1-9]/);
    expect(text).toMatch(/bosmirror_http_requests_total\{protocol="bos",operation="GetObject",status="424"\} 1/);
    expect(text).toMatch(/bosmirror_http_request_duration_seconds_bucket\{le="\+Inf",protocol="bos",operation="GetObject"\} [1-9]/);
    expect(text).toContain("# TYPE bosmirror_http_request_duration_seconds histogram");
    // prom-client's default process metrics are not registered (their cost on the hit path).
    expect(text).not.toContain("bosmirror_process_");
  });

  it("reads the origin gauges from the origin gate at the scrape", async () => {
    // A server of its own whose origin requests may wait long for headers.
    const patient = await startObjectServer(undefined, {}, { originTimeouts: PATIENT_TIMEOUTS });
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    origin.on("/files/held.bin", (_req, res) => void held.then(() => res.writeHead(200, { "content-length": body.length }).end(body)));
    const pending = signedFetch(`${patient.url}/v1/activity/files/held.bin`).then((response) => response.arrayBuffer());
    await waitFor(() => origin.requestsFor("/files/held.bin").length === 1, "the origin request");
    const text = await (await fetch(`${patient.url}/metrics`)).text();
    expect(text).toContain(`bosmirror_origin_inflight{origin="${origin.host}"} 1`);
    expect(text).toContain(`bosmirror_origin_circuit_open{origin="${origin.host}"} 0`);
    release();
    expect((await pending).byteLength).toBe(body.length);
    await patient.stop();
  });

  it("leaves a signed request for a bucket named metrics to the object API", async () => {
    // bce-auth-v1 requests may omit /v1: this one lists the (missing) bucket "metrics".
    const signed = await signedFetch(`${server.url}/metrics`);
    expect(signed.status).toBe(404);
    expect(signed.headers.get("x-bce-request-id")).not.toBeNull();
    expect(await signed.json()).toMatchObject({ code: "NoSuchBucket" });
    expect((await fetch(`${server.url}/metrics`, { method: "POST" })).status).toBe(405);
  });
});
