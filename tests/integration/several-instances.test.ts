/**
 * Three instances of the object API, three processes on three ports, over one database and one blob
 * store (the test file's: disk, or the S3 store in the integration-s3 run), behave as one service:
 * one origin request for a herd of misses spread over them, writes and rule changes seen by the
 * others, a leader killed with -9 replaced by another instance, and a start that leaves the other
 * instances' writes in progress alone.
 */
import { createHash, randomBytes } from "node:crypto";
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import * as accessKeyRoute from "@/app/api/access-keys/[accessKeyId]/route";
import * as accessKeysRoute from "@/app/api/access-keys/route";
import { signedFetch as signWith } from "@/lib/auth/signed-fetch";
import { db } from "@/lib/db/client";
import { RecordingOrigin } from "../support/recording-origin";
import { bucketWithRules } from "../support/object-server";
import { callRoute, testSessionToken } from "../support/route-client";
import { startServerProcess, type ServerProcess } from "../support/server-process";
import { signedFetch } from "../support/signed-fetch";
import { storedBlobs, unfinishedWrites, usesS3BlobStore } from "../support/stored-blobs";
import { TEST_TIMEOUT_MS } from "../support/timeouts";
import { waitFor } from "../support/wait";

/** A short lease, so that a killed leader's fetch is taken over quickly; caches catch up every 100 ms. */
// Cached signing secrets and rules never expire here: another instance's change can only reach an
// instance through the change log.
// "Empty bucket" (the management API, served by each instance here) deletes five keys at a time and
// pauses 300 ms after each batch, so that a job is caught in the middle: without the pause, an
// instance on PostgreSQL once deleted all its batches before the kill, and its last statements,
// already sent, completed the job after it died (so no other instance took it over). The test also
// freezes the instance (SIGSTOP) the moment another instance sees progress: without that, a loaded
// CI machine let it finish its batches while the test made its next requests.
const FLEET_ENV = {
  INSTANCE_LEASE_MS: "2000",
  CACHE_SYNC_MS: "100",
  ORIGIN_BODY_IDLE_TIMEOUT_MS: "60000",
  TEST_ROW_CACHE_TTL_MS: "3600000",
  TEST_EMPTY_BATCH: "5",
  TEST_EMPTY_PAUSE_MS: "300",
  TEST_MANAGEMENT_API: "1",
};

let origin: RecordingOrigin;
let other: RecordingOrigin;
const instances: ServerProcess[] = [];

const md5 = (bytes: Buffer) => createHash("md5").update(bytes).digest("hex");

async function get(instance: ServerProcess, key: string, bucket = "fleet"): Promise<{ status: number; bytes: Buffer }> {
  const response = await signedFetch(`${instance.url}/v1/${bucket}/${key}`);
  return { status: response.status, bytes: Buffer.from(await response.arrayBuffer()) };
}

/** The instance's count of keys whose misses wait for another instance's fetch (its /metrics). */
async function waitingKeys(instance: ServerProcess): Promise<number> {
  const text = await (await fetch(`${instance.url}/metrics`)).text();
  const match = text.match(/^bosmirror_fetch_waiting_on_other_instance (\d+)$/m);
  return match ? Number(match[1]) : -1;
}

beforeAll(async () => {
  origin = await new RecordingOrigin().start();
  other = await new RecordingOrigin().start();
  // One after the other: each start registers the instance and recovers before it listens.
  for (let i = 0; i < 3; i += 1) instances.push(await startServerProcess(FLEET_ENV));
  await bucketWithRules(instances[0]!.url, "fleet", [{ sourceUrl: `http://${origin.host}` }]);
  // Three server starts (migrations, recovery) on a busy machine.
}, 3 * TEST_TIMEOUT_MS);

/**
 * A test that kills one of the three leaves a new instance in its place for the next, whether it
 * passed or not: a failure must not take the tests after it down with it.
 */
afterEach(async () => {
  for (let i = 0; i < 3; i += 1) {
    const { child } = instances[i]!;
    if (child.exitCode !== null || child.signalCode !== null) instances[i] = await startServerProcess(FLEET_ENV);
  }
}, TEST_TIMEOUT_MS);

afterAll(async () => {
  await Promise.all(instances.map((instance) => instance.kill()));
  await origin.stop();
  await other.stop();
});

it("answers 60 concurrent misses of one key spread over three instances with one origin request and identical bytes", async () => {
  const body = randomBytes(1024 * 1024);
  const held = origin.hold("/herd.bin", body, 64 * 1024);
  const [a, b, c] = instances as [ServerProcess, ServerProcess, ServerProcess];
  const responses = Array.from({ length: 60 }, (_, i) => get(instances[i % 3]!, "herd.bin"));
  await waitFor(() => origin.requestsFor("/herd.bin").length === 1, "one instance to ask the origin");
  // The two instances that did not ask wait on the leader's lease before the body is let through.
  await waitFor(async () => (await Promise.all([a, b, c].map(waitingKeys))).filter((count) => count === 1).length === 2, "two instances to wait on the third");
  held.release();
  const results = await Promise.all(responses);
  expect(results.map((result) => result.status)).toEqual(Array<number>(60).fill(200));
  expect(new Set(results.map((result) => md5(result.bytes)))).toEqual(new Set([md5(body)]));
  expect(origin.requestsFor("/herd.bin")).toHaveLength(1);
});

it("serves a PUT on one instance from the others, and a DELETE on one as 404 on the others", async () => {
  const [a, b, c] = instances as [ServerProcess, ServerProcess, ServerProcess];
  const put = (instance: ServerProcess, body: string) => signedFetch(`${instance.url}/v1/fleet/doc.txt`, { method: "PUT", body });
  expect((await put(a, "first")).status).toBe(200);
  // Both others read (and cache) the first version.
  expect((await get(b, "doc.txt")).bytes.toString()).toBe("first");
  expect((await get(c, "doc.txt")).bytes.toString()).toBe("first");

  expect((await put(a, "second")).status).toBe(200);
  // Within CACHE_SYNC_MS: the others read the change log and forget their copy.
  await waitFor(async () => (await get(b, "doc.txt")).bytes.toString() === "second", "instance B to serve the new bytes");
  await waitFor(async () => (await get(c, "doc.txt")).bytes.toString() === "second", "instance C to serve the new bytes");

  expect((await signedFetch(`${c.url}/v1/fleet/doc.txt`, { method: "DELETE" })).status).toBe(204);
  await waitFor(async () => (await get(a, "doc.txt")).status === 404, "instance A to answer 404");
  await waitFor(async () => (await get(b, "doc.txt")).status === 404, "instance B to answer 404");
});

it("lets a DELETE on one instance win over another instance's fetch of the still-missing key", async () => {
  const [a, b] = instances as [ServerProcess, ServerProcess];
  const key = "deleted-while-fetched.bin";
  const body = randomBytes(512 * 1024);
  const held = origin.hold(`/${key}`, body, 64 * 1024);
  const fetching = get(a, key);
  await waitFor(() => origin.requestsFor(`/${key}`).length === 1, "instance A to ask the origin");
  // Nothing is stored yet, so the DELETE finds nothing (404); it still wins over the fetch under way.
  expect((await signedFetch(`${b.url}/v1/fleet/${key}`, { method: "DELETE" })).status).toBe(404);
  held.release();
  // A's client gets the origin's bytes, as on one instance, but they are not stored.
  const fetched = await fetching;
  expect(fetched.status).toBe(200);
  expect(md5(fetched.bytes)).toBe(md5(body));
  await waitFor(async () => (await db().fetchLease.count({ where: { key } })) === 0, "instance A's fetch to give its lease up");
  expect(await db().storedObject.count({ where: { key } })).toBe(0);
  // The next GET is a miss again, on any instance.
  origin.serve(`/${key}`, "fetched again");
  expect((await get(b, key)).bytes.toString()).toBe("fetched again");
});

it("applies a rule changed on one instance on the others", async () => {
  const [a, b, c] = instances as [ServerProcess, ServerProcess, ServerProcess];
  origin.serve("/r/one.txt", "from the first origin");
  other.serve("/r/two.txt", "from the second origin");
  other.serve("/r/gone.txt", "only the second origin has it");
  await bucketWithRules(a.url, "rules", [{ sourceUrl: `http://${origin.host}` }]);
  expect((await get(b, "r/one.txt", "rules")).bytes.toString()).toBe("from the first origin");
  // B learns the first origin's 404 (remembered by its negative cache).
  expect((await get(b, "r/gone.txt", "rules")).status).toBe(404);

  const replaced = await signedFetch(`${a.url}/v1/rules?mirroring`, {
    method: "PUT",
    body: JSON.stringify({ bucketMirroringConfiguration: [{ sourceUrl: `http://${other.host}` }] }),
  });
  expect(replaced.status).toBe(200);
  // C never read this bucket's rules: it reads the new ones at once.
  expect((await get(c, "r/two.txt", "rules")).bytes.toString()).toBe("from the second origin");
  // B holds the old rules (and the old origin's 404) in its caches: within CACHE_SYNC_MS it reads the
  // change log and forgets both.
  await waitFor(async () => (await get(b, "r/gone.txt", "rules")).status === 200, "instance B to apply the new rule");
  expect((await get(b, "r/gone.txt", "rules")).bytes.toString()).toBe("only the second origin has it");
  expect(origin.requestsFor("/r/two.txt")).toHaveLength(0);
});

it("refuses an access key on every instance once it is disabled or deleted anywhere", async () => {
  const [a, b] = instances as [ServerProcess, ServerProcess];
  // The key is created and changed through the management API of this process, on the shared database.
  const { body: key } = await callRoute(accessKeysRoute.POST, { body: { description: "fleet" } });
  // Used first, so both instances hold its secret in memory (a key unknown a moment ago included).
  await waitFor(async () => (await signWith(key, `${a.url}/v1/`)).status === 200, "instance A to know the new key");
  await waitFor(async () => (await signWith(key, `${b.url}/v1/`)).status === 200, "instance B to know the new key");
  await callRoute(accessKeyRoute.PATCH, { method: "PATCH", params: { accessKeyId: key.accessKeyId }, body: { enabled: false } });
  // Within CACHE_SYNC_MS each instance reads the change log and forgets the cached secret.
  await waitFor(async () => (await signWith(key, `${a.url}/v1/`)).status === 403, "instance A to refuse the disabled key");
  await waitFor(async () => (await signWith(key, `${b.url}/v1/`)).status === 403, "instance B to refuse the disabled key");
  await callRoute(accessKeyRoute.PATCH, { method: "PATCH", params: { accessKeyId: key.accessKeyId }, body: { enabled: true } });
  await waitFor(async () => (await signWith(key, `${b.url}/v1/`)).status === 200, "instance B to accept the key again");
  expect((await callRoute(accessKeyRoute.DELETE, { method: "DELETE", params: { accessKeyId: key.accessKeyId } })).status).toBe(204);
  await waitFor(async () => (await signWith(key, `${b.url}/v1/`)).status === 403, "instance B to refuse the deleted key");
});

/** The console's "Empty bucket" call on one instance (signed in: sessions are in the shared database). */
async function emptyBucket(instance: ServerProcess, bucket: string, method: "GET" | "POST") {
  const response = await fetch(`${instance.url}/api/buckets/${bucket}/objects/empty`, {
    method,
    headers: { cookie: `bos_session=${await testSessionToken()}`, origin: instance.url },
  });
  return { status: response.status, job: ((await response.json()) as { job: { id: string; state: string; total: number; deleted: number; failed: number; remaining: number | null } }).job };
}

it("shows an \"Empty bucket\" job's progress on every instance, and finishes it on another once its instance is killed with -9", async () => {
  const [a, b, c] = instances as [ServerProcess, ServerProcess, ServerProcess];
  await bucketWithRules(a.url, "emptied");
  const keys = Array.from({ length: 150 }, (_, i) => `k/${String(i).padStart(3, "0")}`);
  for (let i = 0; i < keys.length; i += 20) {
    await Promise.all(keys.slice(i, i + 20).map((key) => signedFetch(`${instances[i % 3]!.url}/v1/emptied/${key}`, { method: "PUT", body: key })));
  }
  const started = await emptyBucket(a, "emptied", "POST");
  expect(started.status).toBe(202);
  const id = started.job.id;
  // Starting it on another instance finds the running job (thirty batches take at least 9 s).
  const again = await emptyBucket(c, "emptied", "POST");
  expect(again.status).toBe(200);
  expect(again.job.id).toBe(id);
  // Another instance reads its progress (the job's row). The moment it does, A is frozen, so that it
  // cannot go on to finish the job while the test gets ready to kill it.
  await waitFor(async () => {
    if ((await emptyBucket(b, "emptied", "GET")).job.deleted === 0) return false;
    a.child.kill("SIGSTOP");
    return true;
  }, "instance B to see the job's progress");
  // Frozen, then killed: nothing of A runs between the two, and no later test meets a frozen instance.
  await a.kill();
  const atKill = await db().backgroundJob.findUniqueOrThrow({ where: { id } });
  // Still A's, in the middle (statements A sent before the freeze may still land, but not its end).
  expect(atKill.state).toBe("running");
  expect(atKill.done).toBeLessThan(keys.length);
  let job = started.job;
  await waitFor(async () => (job = (await emptyBucket(c, "emptied", "GET")).job).state !== "running", "another instance to finish the job");
  expect(job).toMatchObject({ id, state: "completed", total: keys.length, failed: 0, remaining: 0 });
  // Keys whose delete A did not live to record (one batch at most) are gone but not counted.
  expect(job.deleted).toBeGreaterThanOrEqual(keys.length - 5);
  const row = await db().backgroundJob.findUniqueOrThrow({ where: { id } });
  expect(row.ownerInstance).not.toBe(atKill.ownerInstance);
  expect(await db().storedObject.count({ where: { bucket: { name: "emptied" } } })).toBe(0);
  const audit = await db().auditEvent.findMany({ where: { bucket: "emptied", target: id }, orderBy: { id: "asc" } });
  // The job's end and its audit event are one transaction: once the job reads ended, the event is there.
  expect(audit.map((event) => event.action)).toEqual(["bucket.empty", "bucket.emptied"]);
  // 150 uploads and 30 batches of deletes.
}, 3 * TEST_TIMEOUT_MS);

it("completes an async FetchObject on another instance once the instance that accepted it is killed with -9", async () => {
  const [a, b] = instances as [ServerProcess, ServerProcess];
  const body = randomBytes(1024 * 1024);
  let first = true;
  origin.on("/async-source.bin", (_req, res) => {
    res.writeHead(200, { "content-length": body.length });
    if (!first) return void res.end(body);
    first = false;
    res.write(body.subarray(0, 256 * 1024)); // and never the rest: its fetcher dies
  });
  const accepted = await signedFetch(`${a.url}/v1/fleet/async.bin?fetch`, {
    method: "POST",
    headers: { "x-bce-fetch-source": `http://${origin.host}/async-source.bin`, "x-bce-fetch-mode": "async" },
  });
  expect(accepted.status).toBe(200);
  const { jobId } = (await accepted.json()) as { jobId: string };
  await waitFor(() => origin.requestsFor("/async-source.bin").length === 1, "instance A to start the fetch");
  const atKill = await db().backgroundJob.findUniqueOrThrow({ where: { id: jobId } });
  expect(atKill).toMatchObject({ kind: "fetch-object", state: "running" });

  await a.kill();
  await waitFor(async () => (await db().backgroundJob.findUniqueOrThrow({ where: { id: jobId } })).state !== "running", "another instance to complete the fetch");
  const row = await db().backgroundJob.findUniqueOrThrow({ where: { id: jobId } });
  expect(row).toMatchObject({ state: "completed", error: null });
  expect(row.ownerInstance).not.toBe(atKill.ownerInstance);
  expect(origin.requestsFor("/async-source.bin")).toHaveLength(2);
  const fetched = await get(b, "async.bin");
  expect(fetched.status).toBe(200);
  expect(md5(fetched.bytes)).toBe(md5(body));
}, 2 * TEST_TIMEOUT_MS);

it("compares leases by the database's clock: an instance whose clock runs a minute ahead takes no live instance's lease for expired", async () => {
  const [a] = instances as [ServerProcess];
  const skewed = await startServerProcess({ ...FLEET_ENV, TEST_CLOCK_SKEW_MS: "60000" });
  try {
    const body = randomBytes(512 * 1024);
    const held = origin.hold("/skew.bin", body, 64 * 1024);
    const leading = get(a, "skew.bin");
    await waitFor(() => origin.requestsFor("/skew.bin").length === 1, "instance A to ask the origin");
    // By its own clock A's lease ran out a minute ago; by the database's it is A's for a while yet.
    const following = get(skewed, "skew.bin");
    await waitFor(async () => (await waitingKeys(skewed)) === 1, "the skewed instance to wait on A's lease");
    held.release();
    const results = await Promise.all([leading, following]);
    expect(results.map((result) => result.status)).toEqual([200, 200]);
    expect(results.map((result) => md5(result.bytes))).toEqual([md5(body), md5(body)]);
    expect(origin.requestsFor("/skew.bin")).toHaveLength(1);
    // Its own lease is written in the database's time too: by its clock it would outlive it by a minute.
    const row = await db().instance.findFirstOrThrow({ where: { pid: skewed.child.pid } });
    expect(row.expiresAt.getTime()).toBeLessThan(Date.now() + 30_000);
  } finally {
    await skewed.kill();
  }
});

it("completes a key on another instance after the instance leading its fetch is killed with -9, storing nothing partial", async () => {
  const [a, b, c] = instances as [ServerProcess, ServerProcess, ServerProcess];
  const body = randomBytes(2 * 1024 * 1024);
  let first = true;
  origin.on("/crash.bin", (_req, res) => {
    res.writeHead(200, { "content-length": body.length });
    if (!first) return void res.end(body);
    first = false;
    res.write(body.subarray(0, 1024 * 1024)); // and never the rest: its fetcher dies
  });
  const leading = await signedFetch(`${a.url}/v1/fleet/crash.bin`);
  const reader = leading.body!.getReader();
  await reader.read();
  // B waits on A's lease.
  const waiting = get(b, "crash.bin");
  await waitFor(async () => (await waitingKeys(b)) === 1, "instance B to wait on A's fetch");

  await a.kill();
  await reader.read().catch(() => undefined);
  // A's lease expires (no heartbeat renews it); B takes it over and fetches the key itself.
  const taken = await waiting;
  expect(taken.status).toBe(200);
  expect(md5(taken.bytes)).toBe(md5(body));
  expect(origin.requestsFor("/crash.bin")).toHaveLength(2);

  const next = await get(c, "crash.bin");
  expect(next.status).toBe(200);
  expect(md5(next.bytes)).toBe(md5(body));
  const rows = await db().storedObject.findMany({ where: { key: "crash.bin" } });
  expect(rows).toHaveLength(1);
  expect(Number(rows[0]!.size)).toBe(body.length);
  expect(md5(await storedBlobs().readAll(rows[0]!.blobName))).toBe(md5(body));

  // A new instance's start removes what the dead one left (its process is gone), not a live one's.
  instances[0] = await startServerProcess(FLEET_ENV);
  const leftovers = await unfinishedWrites();
  // The S3 store cannot tell whose an incomplete upload is: with other instances alive, it stays.
  expect(leftovers.filter((name) => !name.startsWith("multipart/"))).toEqual([]);
  if (!usesS3BlobStore()) expect(leftovers).toEqual([]);
});

it("leaves another instance's fetch in progress alone when an instance starts", async () => {
  const [, b] = instances as [ServerProcess, ServerProcess];
  const body = randomBytes(1024 * 1024);
  const held = origin.hold("/slow.bin", body, 64 * 1024);
  const fetching = get(b, "slow.bin");
  await waitFor(async () => (await unfinishedWrites()).length > 0, "B's fetch to write its temporary bytes");
  const before = await unfinishedWrites();

  instances.push(await startServerProcess(FLEET_ENV));
  expect(await unfinishedWrites()).toEqual(before);

  held.release();
  const fetched = await fetching;
  expect(fetched.status).toBe(200);
  expect(md5(fetched.bytes)).toBe(md5(body));
  expect(md5((await get(instances.at(-1)!, "slow.bin")).bytes)).toBe(md5(body));
});
