/**
 * The console's rule tools on the real database and real loopback origins: rule numbers within a
 * bucket, enabling and disabling rules (and the engine skipping disabled ones), "Check the origin
 * now" (through the origin client and its SSRF guard, rate-limited) and "Test a key".
 */
import { Readable } from "node:stream";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import * as bucketsRoute from "@/app/api/buckets/route";
import * as auditRoute from "@/app/api/buckets/[bucket]/audit/route";
import * as keyStatusRoute from "@/app/api/buckets/[bucket]/mirroring/key-status/route";
import * as originCheckRoute from "@/app/api/buckets/[bucket]/mirroring/origin-check/route";
import * as ruleRoute from "@/app/api/buckets/[bucket]/mirroring/rules/[id]/route";
import * as rulesRoute from "@/app/api/buckets/[bucket]/mirroring/rules/route";
import { DEFAULT_PROBE_LIMITS, ProbeLimiter } from "@/lib/origin/probe-limiter";
import { currentApp } from "@/lib/runtime/current-app";
import { RecordingOrigin } from "../support/recording-origin";
import { bucketWithRules, startObjectServer, type TestObjectServer } from "../support/object-server";
import { callRoute, resetDatabase } from "../support/route-client";
import { signedFetch } from "../support/signed-fetch";

const bucket = "toolbucket";
let origin: RecordingOrigin;
let server: TestObjectServer;

const urlOrigin = () => ({ type: "url", protocol: "http", host: origin.host });
const createRule = (rule: Record<string, unknown>, name = bucket) =>
  callRoute(rulesRoute.POST, { params: { bucket: name }, body: { origin: urlOrigin(), storageClass: "STANDARD", ...rule } });
const setEnabled = (id: number, enabled: unknown, name = bucket) =>
  callRoute(ruleRoute.PATCH, { method: "PATCH", params: { bucket: name, id: String(id) }, body: { enabled } });
const checkOrigin = (body: Record<string, unknown>) => callRoute(originCheckRoute.POST, { params: { bucket }, body });

beforeAll(async () => {
  origin = await new RecordingOrigin().start();
  server = await startObjectServer();
});
afterAll(async () => {
  await server.stop();
  await origin.stop();
});
beforeEach(async () => {
  await resetDatabase();
  origin.received.length = 0;
  // Each test starts with the whole allowance of origin checks.
  currentApp().probeLimiter = new ProbeLimiter();
  await callRoute(bucketsRoute.POST, { body: { name: bucket } });
});

describe("rule numbers", () => {
  it("number rules within their bucket from 1, never reuse a number, and address rules by it", async () => {
    await callRoute(bucketsRoute.POST, { body: { name: "otherbucket" } });
    expect((await createRule({ conditionPrefix: "a" }, "otherbucket")).body.id).toBe(1);
    const first = await createRule({ conditionPrefix: "a" });
    const second = await createRule({ conditionPrefix: "b" });
    expect([first.body.id, second.body.id]).toEqual([1, 2]);

    expect((await callRoute(ruleRoute.DELETE, { method: "DELETE", params: { bucket, id: "2" } })).status).toBe(204);
    const third = await createRule({ conditionPrefix: "c" });
    expect(third.body.id).toBe(3);
    expect((await callRoute(ruleRoute.GET, { params: { bucket, id: "2" } })).status).toBe(404);
    expect((await callRoute(ruleRoute.GET, { params: { bucket, id: "3" } })).body.conditionPrefix).toBe("c");

    const conflict = await createRule({ conditionPrefix: "c/x" });
    expect(conflict.status).toBe(409);
    expect(conflict.body.message).toContain('Rule #3 (prefix "c")');

    const audit = await callRoute(auditRoute.GET, { params: { bucket } });
    const ruleEvents = audit.body.events.filter((event: { action: string }) => event.action.startsWith("rule."));
    expect(ruleEvents.map((event: { action: string; target: string }) => `${event.action} ${event.target}`)).toEqual([
      "rule.create 3",
      "rule.delete 2",
      "rule.create 2",
      "rule.create 1",
    ]);
  });

  it("continue the bucket's numbering when BOS's PUT ?mirroring replaces every rule", async () => {
    await createRule({ conditionPrefix: "a" });
    await signedFetch(`${server.url}/v1/${bucket}?mirroring`, {
      method: "PUT",
      body: JSON.stringify({ bucketMirroringConfiguration: [{ resource: "x*", sourceUrl: `http://${origin.host}` }, { resource: "y*", sourceUrl: `http://${origin.host}` }] }),
    });
    const list = await callRoute(rulesRoute.GET, { params: { bucket } });
    expect(list.body.rules.map((rule: { id: number; conditionPrefix: string }) => [rule.id, rule.conditionPrefix])).toEqual([
      [2, "x"],
      [3, "y"],
    ]);
  });
});

describe("enabling and disabling a rule", () => {
  it("a disabled rule keeps its place, is skipped on a miss, is left out of BOS's JSON, and is audited", async () => {
    origin.serve("/docs/a.txt", "from the origin");
    const rule = await createRule({ conditionPrefix: "docs" });
    await createRule({ conditionPrefix: "img" });
    const disabled = await setEnabled(rule.body.id, false);
    expect(disabled.status).toBe(200);
    expect(disabled.body).toMatchObject({ id: 1, enabled: false, version: 1, conditionPrefix: "docs" });

    const list = await callRoute(rulesRoute.GET, { params: { bucket } });
    expect(list.body.rules.map((r: { id: number; enabled: boolean }) => [r.id, r.enabled])).toEqual([
      [1, false],
      [2, true],
    ]);
    const miss = await signedFetch(`${server.url}/v1/${bucket}/docs/a.txt`);
    expect(miss.status).toBe(404);
    expect(origin.requestsFor("/docs/a.txt")).toHaveLength(0);
    const bos = await (await signedFetch(`${server.url}/v1/${bucket}?mirroring`)).json();
    expect(bos.bucketMirroringConfiguration.map((r: { resource: string }) => r.resource)).toEqual(["img*"]);

    expect((await setEnabled(rule.body.id, true)).body.enabled).toBe(true);
    const hit = await signedFetch(`${server.url}/v1/${bucket}/docs/a.txt`);
    expect(hit.status).toBe(200);
    expect(await hit.text()).toBe("from the origin");

    const audit = await callRoute(auditRoute.GET, { params: { bucket } });
    const toggles = audit.body.events.filter((event: { action: string }) => /rule\.(en|dis)able/.test(event.action));
    expect(toggles.map((event: { action: string; target: string; after: unknown }) => [event.action, event.target, event.after])).toEqual([
      ["rule.enable", "1", { enabled: true }],
      ["rule.disable", "1", { enabled: false }],
    ]);
  });

  it("checks conflicts again on enabling: a rule added while it was disabled is named", async () => {
    const docs = await createRule({ conditionPrefix: "docs" });
    await setEnabled(docs.body.id, false);
    const overlapping = await createRule({ conditionPrefix: "doc" });
    expect(overlapping.status).toBe(201);
    const refused = await setEnabled(docs.body.id, true);
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ code: "RuleConflict", message: expect.stringContaining('Rule #2 (prefix "doc")') });
    expect((await callRoute(ruleRoute.GET, { params: { bucket, id: "1" } })).body.enabled).toBe(false);
  });

  it("refuses anything but a boolean, and unknown rules", async () => {
    const rule = await createRule({});
    expect((await setEnabled(rule.body.id, "yes")).status).toBe(422);
    const extra = await callRoute(ruleRoute.PATCH, { method: "PATCH", params: { bucket, id: "1" }, body: { enabled: false, mode: "redirect" } });
    expect(extra.status).toBe(422);
    expect((await setEnabled(99, false)).status).toBe(404);
    expect((await setEnabled(rule.body.id, false, "nosuchbucket")).status).toBe(404);
  });
});

describe("Check the origin now", () => {
  it("asks the computed address for one byte through the origin client and reports status, size, type and time", async () => {
    origin.serve("/files/photo.jpg", "0123456789", { "content-type": "image/jpeg" });
    origin.on("/files/partial.jpg", (req, res) => {
      res.writeHead(206, { "content-range": "bytes 0-0/4096", "content-length": 1, "content-type": "image/png" });
      res.end("x");
    });
    const rule = { conditionPrefix: "img", prefixRewrite: { action: "replace", with: "files" }, origin: urlOrigin(), storageClass: "STANDARD" };
    const ok = await checkOrigin({ rule, key: "img/photo.jpg" });
    expect(ok.status).toBe(200);
    expect(ok.body.targets).toEqual([
      {
        role: "primary",
        address: `http://${origin.host}/files/photo.jpg`,
        result: { ok: true, status: 200, size: 10, contentType: "image/jpeg", finalAddress: `http://${origin.host}/files/photo.jpg`, timeMs: expect.any(Number) },
      },
    ]);
    expect(origin.requestsFor("/files/photo.jpg")[0]!.headers.range).toBe("bytes=0-0");

    const ranged = await checkOrigin({ rule: { ...rule, backupOrigin: urlOrigin() }, key: "img/partial.jpg" });
    expect(ranged.body.targets.map((t: { role: string; result: { status: number; size: number } }) => [t.role, t.result.status, t.result.size])).toEqual([
      ["primary", 206, 4096],
      ["backup", 206, 4096],
    ]);
    const missing = await checkOrigin({ rule, key: "img/none.jpg" });
    expect(missing.body.targets[0].result).toMatchObject({ ok: true, status: 404 });
    // Nothing was stored by any of it.
    expect(await currentApp().db.storedObject.count()).toBe(0);
  });

  it("refuses a private origin as a save would, and reports a redirect to one as unreachable (the SSRF guard)", async () => {
    const privateHost = { type: "url", protocol: "http", host: "127.0.0.2:9" };
    const refused = await checkOrigin({ rule: { origin: privateHost, storageClass: "STANDARD" }, key: "a.txt" });
    expect(refused.status).toBe(422);
    expect(refused.body.fieldErrors["origin.host"][0]).toMatch(/ORIGIN_ALLOWLIST/);

    origin.on("/hop", (_req, res) => res.writeHead(302, { location: "http://127.0.0.2:9/secret" }).end());
    const redirected = await checkOrigin({ rule: { origin: urlOrigin(), storageClass: "STANDARD" }, key: "hop" });
    expect(redirected.status).toBe(200);
    expect(redirected.body.targets[0].result).toMatchObject({ ok: false, reason: "unreachable" });
    expect(redirected.body.targets[0].result.message).not.toContain("127.0.0.2");
    // The reason is in the server's log under this id, which the console shows beside the failure.
    expect(redirected.body.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(JSON.stringify(redirected.body)).not.toContain("127.0.0.2");
  });

  it("refuses bad input: an invalid rule, a bad key, a key the engine would never send", async () => {
    expect((await checkOrigin({ rule: { origin: { type: "url", host: "http://x.com" } }, key: "a" })).status).toBe(422);
    expect((await checkOrigin({ rule: { origin: urlOrigin() }, key: "" })).status).toBe(422);
    expect((await checkOrigin({ rule: { origin: urlOrigin() }, key: "a", extra: 1 })).status).toBe(422);
    const dots = await checkOrigin({ rule: { origin: urlOrigin() }, key: "a/../../etc/passwd" });
    expect(dots.status).toBe(400);
    expect(origin.received).toHaveLength(0);
  });

  it("reads a bucket origin through the object service", async () => {
    await callRoute(bucketsRoute.POST, { body: { name: "sourcebucket" } });
    const app = currentApp();
    const source = await app.db.bucket.findUniqueOrThrow({ where: { name: "sourcebucket" } });
    await app.objects.put(
      { bucketId: source.id, key: "k.txt", storageClass: "STANDARD", httpMeta: { "content-type": "text/plain" }, userMeta: {}, sourceUrl: null },
      Readable.from([Buffer.from("hello")]),
      { size: 5, md5: null },
    );
    const result = await checkOrigin({ rule: { origin: { type: "bucket", bucket: "sourcebucket" } }, key: "k.txt" });
    expect(result.body.targets[0]).toMatchObject({ address: "bos://sourcebucket/k.txt", result: { ok: true, status: 200, size: 5, contentType: "text/plain" } });
    await app.objects.delete(source.id, "k.txt");
  });

  it("is rate-limited per user, with Retry-After", async () => {
    origin.serve("/r", "x");
    const statuses: number[] = [];
    let last;
    for (let i = 0; i <= DEFAULT_PROBE_LIMITS.perWindow; i++) {
      last = await checkOrigin({ rule: { origin: urlOrigin() }, key: "r" });
      statuses.push(last.status);
    }
    expect(statuses.slice(0, DEFAULT_PROBE_LIMITS.perWindow).every((status) => status === 200)).toBe(true);
    expect(last!.status).toBe(429);
    expect(last!.body.code).toBe("TooManyRequests");
    expect(Number(last!.headers.get("retry-after"))).toBeGreaterThan(0);
  });
});

describe("Test a key", () => {
  it("says whether a key is stored, without asking any origin", async () => {
    await bucketWithRules(server.url, "keybucket", [{ resource: "*", sourceUrl: `http://${origin.host}` }]);
    await signedFetch(`${server.url}/v1/keybucket/here.txt`, { method: "PUT", body: "stored bytes", headers: { "content-type": "text/plain" } });
    const stored = await callRoute(keyStatusRoute.GET, { params: { bucket: "keybucket" }, query: "key=here.txt" });
    expect(stored.body).toMatchObject({ key: "here.txt", stored: { size: 12, contentType: "text/plain", sourceUrl: null } });
    const absent = await callRoute(keyStatusRoute.GET, { params: { bucket: "keybucket" }, query: "key=gone.txt" });
    expect(absent.body).toEqual({ key: "gone.txt", stored: null });
    expect((await callRoute(keyStatusRoute.GET, { params: { bucket: "keybucket" }, query: "key=" })).status).toBe(422);
    expect((await callRoute(keyStatusRoute.GET, { params: { bucket: "nosuchbucket" }, query: "key=a" })).status).toBe(404);
    expect(origin.received).toHaveLength(0);
  });
});
