/**
 * Import jobs against real loopback origins and the real object server (in this process, with the
 * runner started as the server starts it): every outcome and count, overwrite, retry, a streamed
 * text/plain list, failures paging and CSV, pause/resume/cancel on a slow origin, one running job
 * per bucket, a live GET sharing a job's fetch, origin listings (bos:// and S3 ListObjectsV2), auth.
 */
import { createHash } from "node:crypto";
import type { ServerResponse } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { encodeOriginPath } from "@/lib/mirroring/origin-address";
import { currentApp } from "@/lib/runtime/current-app";
import { importRoutes, jobAction, readJob, startImport, startImportFromList, waitForJob, waitForState } from "../support/import-jobs";
import { PATIENT_TIMEOUTS, bucketWithRules, startObjectServer, type TestObjectServer } from "../support/object-server";
import { RecordingOrigin } from "../support/recording-origin";
import { callRoute } from "../support/route-client";
import { signedFetch, TEST_CREDENTIALS } from "../support/signed-fetch";
import { waitFor } from "../support/wait";

let server: TestObjectServer;
let origin: RecordingOrigin;

const md5 = (data: string) => createHash("md5").update(data).digest();

beforeAll(async () => {
  // Several tests hold origin answers until they release them.
  server = await startObjectServer(undefined, {}, { originTimeouts: PATIENT_TIMEOUTS });
  origin = await new RecordingOrigin().start();
});
afterAll(async () => {
  await origin.stop();
  await server.stop();
});

const put = async (bucket: string, key: string, body: string) => {
  const response = await signedFetch(`${server.url}/v1/${bucket}/${key}`, { method: "PUT", body });
  expect(response.status).toBe(200);
};
const read = async (bucket: string, key: string) => {
  const response = await signedFetch(`${server.url}/v1/${bucket}/${key}`);
  return { status: response.status, text: await response.text(), source: response.headers.get("x-mirror-source") };
};

/** An origin path that answers only when the test lets it. */
function held(path: string, body: string): { release: () => void } {
  const waiting: ServerResponse[] = [];
  let released = false;
  const answer = (res: ServerResponse) => res.writeHead(200, { "content-length": Buffer.byteLength(body) }).end(body);
  origin.on(path, (_req, res) => (released ? answer(res) : waiting.push(res)));
  return {
    release: () => {
      released = true;
      for (const res of waiting.splice(0)) answer(res);
    },
  };
}

describe("a key list", () => {
  it("counts every outcome: pulled, skipped, missing, failed with its reason, noRule; same address and headers as a miss", async () => {
    await bucketWithRules(server.url, "counts", [{ resource: "img*", sourceUrl: `http://${origin.host}`, prefix: "from", customHeaders: [{ headerName: "x-from", headerValue: "bos" }] }]);
    origin.serve("/from/img/a.jpg", "alpha", { "content-md5": md5("alpha").toString("base64") });
    origin.serve("/from/img/c.jpg", "corrupt", { "content-md5": md5("something else").toString("base64") });
    await put("counts", "img/d.jpg", "stored before");

    const created = await startImport("counts", { source: { type: "keys", keys: ["img/a.jpg", "img/b.jpg", "img/c.jpg", "img/d.jpg", "doc/x.txt", "img/a.jpg"] }, concurrency: 2 });
    expect(created).toMatchObject({ state: "queued", total: 5, concurrency: 2 });
    const job = await waitForState("counts", created.id, "completed_with_failures");
    expect(job).toMatchObject({ total: 5, pulled: 1, skipped: 1, missing: 1, failed: 1, noRule: 1, bytes: 5, etaSeconds: null });
    expect(job.startedAt).not.toBeNull();
    expect(job.endedAt).not.toBeNull();

    expect(await read("counts", "img/a.jpg")).toMatchObject({ status: 200, text: "alpha" });
    expect((await signedFetch(`${server.url}/v1/counts/img/c.jpg`, { method: "HEAD" })).status).toBe(404);
    expect(await read("counts", "img/d.jpg")).toMatchObject({ text: "stored before" });
    const [request] = origin.requestsFor("/from/img/a.jpg");
    expect(request!.headers["x-from"]).toBe("bos");
    expect(request!.headers["user-agent"]).toMatch(/^bos-mirror\//);
    expect(origin.requestsFor("/from/img/d.jpg")).toHaveLength(0);

    const failures = await callRoute(importRoutes.failuresRoute.GET, { params: { bucket: "counts", id: String(created.id) } });
    expect(failures.body).toEqual({ items: [{ key: "img/c.jpg", reason: expect.stringMatching(/MD5 .* does not match/) }], nextAfter: null });
  });

  it("overwrite fetches a stored key again and replaces it", async () => {
    await bucketWithRules(server.url, "overwrite", [{ resource: "*", sourceUrl: `http://${origin.host}` }]);
    await put("overwrite", "page.html", "old copy");
    origin.serve("/page.html", "new copy");
    const created = await startImport("overwrite", { source: { type: "keys", keys: ["page.html"] }, overwrite: true });
    expect(await waitForState("overwrite", created.id, "completed")).toMatchObject({ pulled: 1, skipped: 0, overwrite: true });
    expect(await read("overwrite", "page.html")).toMatchObject({ text: "new copy" });
  });

  it("retry-failed puts the failed keys back, and the job completes once the origin is fixed", async () => {
    await bucketWithRules(server.url, "retry", [{ resource: "*", sourceUrl: `http://${origin.host}` }]);
    origin.on("/flaky.txt", (_req, res) => res.writeHead(503).end("busy"));
    origin.serve("/fine.txt", "fine");
    const created = await startImport("retry", { source: { type: "keys", keys: ["flaky.txt", "fine.txt"] } });
    const failed = await waitForState("retry", created.id, "completed_with_failures");
    expect(failed).toMatchObject({ pulled: 1, failed: 1 });

    expect((await jobAction("resume", "retry", created.id)).status).toBe(409);
    origin.serve("/flaky.txt", "recovered");
    const retried = await jobAction("retry-failed", "retry", created.id);
    expect(retried.status).toBe(200);
    expect(retried.body).toMatchObject({ state: "queued", failed: 0 });
    expect(await waitForState("retry", created.id, "completed")).toMatchObject({ pulled: 2, failed: 0 });
    expect(await read("retry", "flaky.txt")).toMatchObject({ text: "recovered" });
    expect((await jobAction("retry-failed", "retry", created.id)).status).toBe(409);
  });

  it("takes a text/plain list streamed in pieces, pages its failures and downloads them as safe CSV", async () => {
    await bucketWithRules(server.url, "streamed", [{ resource: "*", sourceUrl: `http://${origin.host}` }]);
    const failing = Array.from({ length: 120 }, (_, i) => `bad/${String(i).padStart(3, "0")}`);
    for (const key of failing) origin.on(`/${key}`, (_req, res) => res.writeHead(500).end());
    const formula = '=HYPERLINK("http://evil.example","x")';
    origin.on(`/${encodeOriginPath(formula)}`, (_req, res) => res.writeHead(502).end());
    const keys = [...failing, ...Array.from({ length: 60 }, (_, i) => `gone/${i}`), formula];
    // Chunks cut keys in half, with \r\n line ends and blank lines.
    const text = `${keys.join("\r\n")}\n\n`;
    const chunks = Array.from({ length: Math.ceil(text.length / 97) }, (_, i) => text.slice(i * 97, (i + 1) * 97));
    const created = await startImportFromList("streamed", chunks, "concurrency=8");
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ total: keys.length, concurrency: 8, source: { type: "keys" } });
    const job = await waitForState("streamed", created.body.id as number, "completed_with_failures");
    expect(job).toMatchObject({ failed: 121, missing: 60 });

    const seen: { key: string; reason: string }[] = [];
    let after: number | null = 0;
    let pages = 0;
    while (after !== null) {
      const page: { body: { items: { key: string; reason: string }[]; nextAfter: number | null } } = await callRoute(importRoutes.failuresRoute.GET, { params: { bucket: "streamed", id: String(job.id) }, query: `limit=50&after=${after}` });
      seen.push(...page.body.items);
      after = page.body.nextAfter;
      pages += 1;
    }
    expect(pages).toBe(3);
    expect(seen.map((item) => item.key)).toEqual([...failing, formula]);
    expect(seen[0]!.reason).toMatch(/HTTP 500/);

    const request = new Request(`http://localhost/api/buckets/streamed/imports/${job.id}/failures?format=csv`, {
      headers: { host: "localhost", cookie: `bos_session=${await (await import("../support/route-client")).testSessionToken()}` },
    });
    const csv = await importRoutes.failuresRoute.GET(request, { params: Promise.resolve({ bucket: "streamed", id: String(job.id) }) });
    expect(csv.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(csv.headers.get("content-disposition")).toBe(`attachment; filename="streamed-import-${job.id}-failures.csv"`);
    const lines = (await csv.text()).split("\r\n");
    expect(lines[0]).toBe("key,reason");
    expect(lines).toHaveLength(1 + 121 + 1);
    expect(lines[121]).toMatch(/^"'=HYPERLINK\(""http:\/\/evil\.example"",""x""\)",/);
  });

  it("refuses a list with a key that cannot be, naming the line, and keeps nothing of it", async () => {
    await bucketWithRules(server.url, "badlist", [{ resource: "*", sourceUrl: `http://${origin.host}` }]);
    const refused = await startImportFromList("badlist", ["ok/1\nok/2\n", "bad\0key\n", "ok/3\n"]);
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({ code: "ValidationFailed", fieldErrors: { keys: ["line 3: The object key contains a NUL character."] } });
    expect((await startImportFromList("badlist", ["\n\n"])).status).toBe(422);
    expect((await startImportFromList("badlist", ["a\n"], "concurrency=0")).body).toMatchObject({ fieldErrors: { concurrency: [expect.any(String)] } });
    const bucketId = (await db().bucket.findUniqueOrThrow({ where: { name: "badlist" } })).id;
    expect(await db().importJob.count({ where: { bucketId } })).toBe(0);
    expect((await callRoute(importRoutes.listRoute.GET, { params: { bucket: "badlist" } })).body).toEqual({ jobs: [] });
  });

  it("refuses bad JSON requests with field errors", async () => {
    const bad = async (body: unknown) => (await callRoute(importRoutes.listRoute.POST, { params: { bucket: "badlist" }, body })).body;
    expect(await bad({ source: { type: "keys", keys: ["a", "x\0y"] } })).toMatchObject({ code: "ValidationFailed", fieldErrors: { "source.keys.1": [expect.any(String)] } });
    expect(await bad({ source: { type: "keys", keys: [] } })).toMatchObject({ fieldErrors: { "source.keys": [expect.any(String)] } });
    expect(await bad({ source: { type: "keys", keys: ["a"] }, concurrency: 65 })).toMatchObject({ fieldErrors: { concurrency: [expect.any(String)] } });
    expect(await bad({ source: { type: "ftp" } })).toMatchObject({ fieldErrors: { "source.type": [expect.any(String)] } });
    expect(await bad({ source: { type: "bos", bucket: "nope" } })).toMatchObject({ fieldErrors: { "source.bucket": [expect.any(String)] } });
    expect(await bad({ source: { type: "s3", endpoint: "http://user:pw@example.com", bucket: "b" } })).toMatchObject({ fieldErrors: { "source.endpoint": [expect.any(String)] } });
    expect(await bad({ source: { type: "s3", endpoint: "https://s3.example.com", bucket: "b", accessKeyId: "AK" } })).toMatchObject({ fieldErrors: { "source.secretAccessKey": [expect.any(String)] } });
    const missingBucket = await callRoute(importRoutes.listRoute.POST, { params: { bucket: "no-such-bucket" }, body: { source: { type: "keys", keys: ["a"] } } });
    expect(missingBucket.status).toBe(404);
  });
});

describe("running", () => {
  it("pauses on a slow origin (pulls under way finish, nothing new starts), resumes, and cancels", async () => {
    await bucketWithRules(server.url, "slow", [{ resource: "*", sourceUrl: `http://${origin.host}` }]);
    const gates = Array.from({ length: 6 }, (_, i) => held(`/slow/${i}`, `body ${i}`));
    const keys = gates.map((_, i) => `slow/${i}`);
    const created = await startImport("slow", { source: { type: "keys", keys }, concurrency: 2 });
    const requested = () => keys.filter((key) => origin.requestsFor(`/${key}`).length > 0).length;
    await waitFor(() => requested() === 2, "two pulls at once (the concurrency)");
    expect((await readJob("slow", created.id)).state).toBe("running");

    const paused = await jobAction("pause", "slow", created.id);
    expect(paused.body).toMatchObject({ state: "paused" });
    gates[0]!.release();
    gates[1]!.release();
    await waitForJob("slow", created.id, "the two pulls under way recorded", (job) => job.pulled === 2);
    await waitFor(() => currentApp().imports.runningJobIds.length === 0, "the run to stop");
    expect(requested()).toBe(2);

    expect((await jobAction("resume", "slow", created.id)).body).toMatchObject({ state: "queued" });
    await waitFor(() => requested() === 4, "the next two pulls after resuming");
    for (const gate of gates.slice(2)) gate.release();
    expect(await waitForState("slow", created.id, "completed")).toMatchObject({ pulled: 6, failed: 0 });
    expect(await read("slow", "slow/5")).toMatchObject({ text: "body 5" });

    const cancelGates = Array.from({ length: 4 }, (_, i) => held(`/cancel/${i}`, `c${i}`));
    const second = await startImport("slow", { source: { type: "keys", keys: cancelGates.map((_, i) => `cancel/${i}`) }, concurrency: 1 });
    await waitFor(() => origin.requestsFor("/cancel/0").length === 1, "the first pull");
    expect((await jobAction("cancel", "slow", second.id)).body).toMatchObject({ state: "cancelled" });
    cancelGates[0]!.release();
    await waitForJob("slow", second.id, "the pull under way recorded", (job) => job.pulled === 1);
    await waitFor(() => currentApp().imports.runningJobIds.length === 0, "the run to stop");
    expect(origin.requestsFor("/cancel/1")).toHaveLength(0);
    const cancelled = await readJob("slow", second.id);
    expect(cancelled).toMatchObject({ state: "cancelled", total: 4, pulled: 1 });
    expect((await jobAction("resume", "slow", second.id)).status).toBe(409);
  });

  it("runs one job per bucket at a time: the next one queues until the first is done", async () => {
    await bucketWithRules(server.url, "queue", [{ resource: "*", sourceUrl: `http://${origin.host}` }]);
    const gate = held("/q/first", "first");
    origin.serve("/q/second", "second");
    const first = await startImport("queue", { source: { type: "keys", keys: ["q/first"] } });
    await waitFor(() => origin.requestsFor("/q/first").length === 1, "the first job's pull");
    const second = await startImport("queue", { source: { type: "keys", keys: ["q/second"] } });
    await waitFor(async () => (await readJob("queue", second.id)).state === "queued", "the second job to be queued");
    expect(origin.requestsFor("/q/second")).toHaveLength(0);
    // The gauge counts every bucket's jobs: this file runs one test at a time, and no earlier job is left running.
    const metrics = await currentApp().telemetry.metrics!.scrape();
    expect(metrics).toContain('bosmirror_import_jobs{state="running"} 1');
    expect(metrics).toContain('bosmirror_import_jobs{state="queued"} 1');
    gate.release();
    await waitForState("queue", first.id, "completed");
    await waitForState("queue", second.id, "completed");
    const listed = await callRoute(importRoutes.listRoute.GET, { params: { bucket: "queue" } });
    expect(listed.body.jobs.map((job: { id: number }) => job.id)).toEqual([second.id, first.id]);
  });

  it("shares one origin request between a job and a live GET of the same key", async () => {
    await bucketWithRules(server.url, "shared", [{ resource: "*", sourceUrl: `http://${origin.host}` }]);
    // The origin sends the first half at once and holds the second until released, so the GET below
    // surely reads while the job's pull is in progress (not from storage after it).
    const body = Buffer.alloc(256 * 1024, "s");
    const { release } = origin.hold("/big/shared.bin", body, body.length / 2);
    const created = await startImport("shared", { source: { type: "keys", keys: ["big/shared.bin"] } });
    await waitFor(() => origin.requestsFor("/big/shared.bin").length === 1, "the job's pull");
    const live = await signedFetch(`${server.url}/v1/shared/big/shared.bin`);
    expect(live.status).toBe(200);
    const reader = live.body!.getReader();
    const first = await reader.read();
    expect(first.value!.length).toBeGreaterThan(0);
    // Bytes before the release: the GET reads the job's pull as it comes (an origin request of its
    // own would be a second request, counted below).
    expect(await readJob("shared", created.id)).toMatchObject({ state: "running", pulled: 0 });
    release();
    let received = first.value!.length;
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) received += chunk.value.length;
    expect(received).toBe(body.length);
    expect(await waitForState("shared", created.id, "completed")).toMatchObject({ pulled: 1 });
    expect(origin.requestsFor("/big/shared.bin")).toHaveLength(1);
  });

  it("caps requests per second", async () => {
    await bucketWithRules(server.url, "capped", [{ resource: "*", sourceUrl: `http://${origin.host}` }]);
    for (let i = 0; i < 6; i++) origin.serve(`/r/${i}`, `r${i}`);
    const started = Date.now();
    const created = await startImport("capped", { source: { type: "keys", keys: Array.from({ length: 6 }, (_, i) => `r/${i}`) }, concurrency: 6, requestsPerSecond: 2 });
    await waitForState("capped", created.id, "completed");
    // A one-second burst of 2, then 2 a second: the sixth request starts no sooner than 2 s in.
    expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
  });
});

describe("origin listings", () => {
  it("lists a bos:// bucket origin through the object service, with a prefix", async () => {
    await bucketWithRules(server.url, "bos-src");
    for (const key of ["p/1", "p/2", "p/sub/3", "q/4"]) await put("bos-src", key, `content of ${key}`);
    await bucketWithRules(server.url, "bos-dst", [{ resource: "*", sourceUrl: "bos://bos-src" }]);
    const created = await startImport("bos-dst", { source: { type: "bos", bucket: "bos-src", prefix: "p/" } });
    expect(created).toMatchObject({ source: { type: "bos", bucket: "bos-src", prefix: "p/" }, listing: true });
    expect(await waitForState("bos-dst", created.id, "completed")).toMatchObject({ total: 3, pulled: 3, listing: false });
    expect(await read("bos-dst", "p/sub/3")).toMatchObject({ text: "content of p/sub/3" });
    expect((await read("bos-dst", "q/4")).status).toBe(200); // a GET miss still works; the job did not take q/4
    expect((await readJob("bos-dst", created.id)).total).toBe(3);
  });

  it("refuses an origin listing under a rule that rewrites keys into its address, naming the rule, and creates no job", async () => {
    await bucketWithRules(server.url, "rewrite-src");
    await bucketWithRules(server.url, "rewrite-dst", [{ resource: "img*", sourceUrl: "bos://rewrite-src", prefix: "from" }]);
    const refused = await callRoute(importRoutes.listRoute.POST, { params: { bucket: "rewrite-dst" }, body: { source: { type: "bos", bucket: "rewrite-src", prefix: "" } } });
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({ code: "ValidationFailed", fieldErrors: { source: [expect.stringMatching(/^Rule #1 rewrites keys .*an address prefix/)] } });
    const s3 = { type: "s3", endpoint: server.url, bucket: "rewrite-src", prefix: "img/" };
    expect((await callRoute(importRoutes.listRoute.POST, { params: { bucket: "rewrite-dst" }, body: { source: s3 } })).status).toBe(422);
    // A prefix the rule does not cover lists as before.
    const created = await startImport("rewrite-dst", { source: { type: "bos", bucket: "rewrite-src", prefix: "doc/" } });
    expect(await waitForState("rewrite-dst", created.id, "completed")).toMatchObject({ total: 0 });
    expect((await callRoute(importRoutes.listRoute.GET, { params: { bucket: "rewrite-dst" } })).body).toMatchObject({ jobs: [{ id: created.id }] });
  });

  it("lists an S3-compatible origin with ListObjectsV2 over several pages, signed with the job's sealed credentials", async () => {
    await bucketWithRules(server.url, "s3-src");
    // Pages of 25 (TEST_IMPORT_RUNNER): 60 keys take three ListObjectsV2 pages.
    const keys = Array.from({ length: 60 }, (_, i) => `photos/${String(i).padStart(4, "0")} +x.jpg`);
    for (let i = 0; i < keys.length; i += 25) await Promise.all(keys.slice(i, i + 25).map((key) => put("s3-src", encodeURIComponent(key), "")));
    for (const key of keys) origin.serve(`/${encodeOriginPath(key)}`, key);
    await bucketWithRules(server.url, "s3-dst", [{ resource: "*", sourceUrl: `http://${origin.host}` }]);
    const source = { type: "s3", endpoint: server.url, bucket: "s3-src", prefix: "photos/", accessKeyId: TEST_CREDENTIALS.accessKeyId, secretAccessKey: TEST_CREDENTIALS.secretKey };
    const created = await startImport("s3-dst", { source, concurrency: 4 });
    expect(created.source).toEqual({ type: "s3", endpoint: server.url, bucket: "s3-src", region: "us-east-1", prefix: "photos/", accessKeyId: TEST_CREDENTIALS.accessKeyId });
    const row = await db().importJob.findUniqueOrThrow({ where: { id: created.id } });
    expect(row.secretSealed).not.toContain(TEST_CREDENTIALS.secretKey);
    expect(row.source).not.toContain(TEST_CREDENTIALS.secretKey);
    expect(await waitForState("s3-dst", created.id, "completed")).toMatchObject({ total: 60, pulled: 60 });
    expect(await read("s3-dst", encodeURIComponent(keys[59]!))).toMatchObject({ text: keys[59] });

    // Anonymous listing of a private bucket: the job pauses and says why.
    const anonymous = await startImport("s3-dst", { source: { type: "s3", endpoint: server.url, bucket: "s3-src" } });
    const paused = await waitForState("s3-dst", anonymous.id, "paused");
    expect(paused.error).toMatch(/HTTP 403 AccessDenied/);
  });
});

describe("access", () => {
  it("answers 401 without a session and 403 cross-site, 404 for an unknown job, 409 for a move the state does not allow", async () => {
    const params = { bucket: "counts" };
    expect((await callRoute(importRoutes.listRoute.GET, { params, session: false })).status).toBe(401);
    expect((await callRoute(importRoutes.listRoute.POST, { params, session: false, body: { source: { type: "keys", keys: ["a"] } } })).status).toBe(401);
    const job = (await callRoute(importRoutes.listRoute.GET, { params })).body.jobs[0];
    const jobParams = { bucket: "counts", id: String(job.id) };
    expect((await callRoute(importRoutes.jobRoute.GET, { params: jobParams, session: false })).status).toBe(401);
    expect((await callRoute(importRoutes.failuresRoute.GET, { params: jobParams, session: false })).status).toBe(401);
    expect((await callRoute(importRoutes.pauseRoute.POST, { params: jobParams, method: "POST", headers: { origin: "http://evil.example" } })).status).toBe(403);
    expect((await callRoute(importRoutes.cancelRoute.POST, { params: jobParams, method: "POST", session: false })).status).toBe(401);
    expect((await callRoute(importRoutes.jobRoute.GET, { params: { bucket: "counts", id: "999999" } })).body).toMatchObject({ code: "NoSuchImportJob" });
    expect((await callRoute(importRoutes.jobRoute.GET, { params: { bucket: "counts", id: "1e3" } })).status).toBe(404);
    expect((await callRoute(importRoutes.jobRoute.GET, { params: { bucket: "overwrite", id: String(job.id) } })).status).toBe(404);
    const conflict = await jobAction("pause", "counts", job.id);
    expect(conflict.status).toBe(409);
    expect(conflict.body).toMatchObject({ code: "ImportJobStateConflict" });
  });
});
