/**
 * The negative cache: a key every origin answered 404 for is not asked for again until
 * NEGATIVE_CACHE_TTL_MS has passed; a rule change forgets it at once; import jobs always ask; the
 * cache stays within its byte budget; a TTL of 0 turns it off. Against a real loopback origin.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import * as eventsRoute from "@/app/api/buckets/[bucket]/mirror-events/route";
import type { MirrorEventsPage } from "@/lib/activity/activity-query";
import { db } from "@/lib/db/client";
import { listRulesForBucketId } from "@/lib/mirroring/rule-service";
import { RecordingOrigin } from "../support/recording-origin";
import { bucketWithRules, startObjectServer, type TestObjectServer } from "../support/object-server";
import { callRoute } from "../support/route-client";
import { signedFetch } from "../support/signed-fetch";
import { waitFor } from "../support/wait";

/** Far longer than this file runs: what the server remembers stays remembered however slow the machine. */
const TTL_MS = 600_000;
/** The expiry test's own server forgets within this. */
const SHORT_TTL_MS = 1_000;
/** Room for about 16 entries of this test's size. */
const BUDGET_BYTES = 4 * 1024;

let server: TestObjectServer;
let origin: RecordingOrigin;

beforeAll(async () => {
  server = await startObjectServer(undefined, { negativeCache: { ttlMs: TTL_MS, maxBytes: BUDGET_BYTES } });
  origin = await new RecordingOrigin().start();
  await bucketWithRules(server.url, "neg", [{ sourceUrl: `http://${origin.host}` }]);
});
afterAll(async () => {
  await server.stop();
  await origin.stop();
});

const get = (key: string, base = server.url, bucket = "neg") => signedFetch(`${base}/v1/${bucket}/${key}`);
const asked = (key: string) => origin.requestsFor(`/${key}`).length;

it("answers a repeated GET of a key the origin just 404ed from memory, without asking the origin again", async () => {
  const first = await get("missing");
  expect(first.status).toBe(404);
  expect((await first.json()).message).toContain("is not at");

  const second = await get("missing");
  expect(second.status).toBe(404);
  expect(await second.json()).toMatchObject({ code: "NoSuchKey", message: expect.stringContaining("not asked again") });
  expect(asked("missing")).toBe(1);

  // The answer from memory is an outcome of its own in the bucket's activity.
  const remembered = async () => ((await callRoute(eventsRoute.GET, { params: { bucket: "neg" }, query: "outcome=negative-cached" })).body as MirrorEventsPage).events;
  await waitFor(async () => (await remembered()).length === 1, "the negative-cached outcome to be recorded");
  expect((await remembered())[0]).toMatchObject({ key: "missing", source: "get", originUrl: `http://${origin.host}/missing` });
});

it("asks the origin again once the TTL is over", async () => {
  const shortLived = await startObjectServer(undefined, { negativeCache: { ttlMs: SHORT_TTL_MS, maxBytes: BUDGET_BYTES } });
  try {
    await bucketWithRules(shortLived.url, "neg-ttl", [{ sourceUrl: `http://${origin.host}` }]);
    const later = () => get("later", shortLived.url, "neg-ttl");
    const startedAt = Date.now();
    expect((await later()).status).toBe(404);
    origin.serve("/later", "here now");
    const remembered = await later();
    // Within the TTL of the first 404 (a busy machine may take longer to get here), it is still remembered.
    if (Date.now() - startedAt < SHORT_TTL_MS) expect(remembered.status).toBe(404);
    await waitFor(async () => (await later()).status === 200, "the remembered 404 to expire");
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(SHORT_TTL_MS);
    expect(asked("later")).toBe(2);
    expect(await (await later()).text()).toBe("here now");
  } finally {
    await shortLived.stop();
  }
});

it("forgets the bucket's 404s when its rules change", async () => {
  expect((await get("changed")).status).toBe(404);
  origin.serve("/changed", "arrived");
  expect((await get("changed")).status).toBe(404);
  // The TTL is far off: only the rule change can make the server forget the 404.
  const put = await signedFetch(`${server.url}/v1/neg?mirroring`, {
    method: "PUT",
    body: JSON.stringify({ bucketMirroringConfiguration: [{ sourceUrl: `http://${origin.host}` }] }),
  });
  expect(put.status).toBe(200);
  const after = await get("changed");
  expect(after.status).toBe(200);
  expect(asked("changed")).toBe(2);
});

it("does not stand in the way of an import job, which always asks the origin", async () => {
  expect((await get("imported")).status).toBe(404);
  // The client hears the 404 a moment before the flight ends; a fetch meanwhile would join it.
  await waitFor(() => server.engine.idle, "the first fetch to end");
  origin.serve("/imported", "pulled by the job");
  const bucket = await db().bucket.findUniqueOrThrow({ where: { name: "neg" } });
  const [rule] = await listRulesForBucketId(bucket.id);
  expect(() => server.engine.fetch(bucket, "imported", rule!, { rawQuery: "", headers: {} }, "get")).toThrow(/not asked again/);
  const stored = await server.engine.fetch(bucket, "imported", rule!, { rawQuery: "", headers: {} }, "import").done;
  expect(stored).toMatchObject({ key: "imported", size: "pulled by the job".length });
  expect(asked("imported")).toBe(2);
});

it("spares the origin redirect mode's background fetch of a remembered 404 (the client still gets its 302)", async () => {
  await bucketWithRules(server.url, "neg-redirect", [{ mode: "redirect", sourceUrl: `http://${origin.host}` }]);
  const bucket = await db().bucket.findUniqueOrThrow({ where: { name: "neg-redirect" } });
  const miss = () => server.engine.miss(bucket, "gone", { rawQuery: "", headers: {} }, () => undefined);
  expect(await miss()).toMatchObject({ kind: "redirect", background: "queued" });
  await waitFor(() => asked("gone") === 1 && server.engine.backgroundStats.pending === 0, "the background fetch to meet the 404");
  expect(await miss()).toMatchObject({ kind: "redirect", background: "negative-cached" });
  const answer = await signedFetch(`${server.url}/v1/neg-redirect/gone`, { redirect: "manual" });
  expect(answer.status).toBe(302);
  expect(server.engine.backgroundStats.pending).toBe(0);
  expect(asked("gone")).toBe(1);
});

it("stays within its byte budget: the oldest 404s are forgotten first", async () => {
  const keys = Array.from({ length: 40 }, (_, i) => `bounded-${i}`);
  for (const key of keys) expect((await get(key)).status).toBe(404);
  expect((await get(keys[39]!)).status).toBe(404);
  expect(asked(keys[39]!)).toBe(1);
  expect((await get(keys[0]!)).status).toBe(404);
  expect(asked(keys[0]!)).toBe(2);
});

it("is off with a TTL of 0: every miss asks the origin", async () => {
  const uncached = await startObjectServer(undefined, { negativeCache: { ttlMs: 0, maxBytes: BUDGET_BYTES } });
  try {
    await bucketWithRules(uncached.url, "neg-off", [{ sourceUrl: `http://${origin.host}` }]);
    expect((await get("off", uncached.url, "neg-off")).status).toBe(404);
    expect((await get("off", uncached.url, "neg-off")).status).toBe(404);
    expect(asked("off")).toBe(2);
  } finally {
    await uncached.stop();
  }
});
