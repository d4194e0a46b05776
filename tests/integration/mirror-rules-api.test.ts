import { beforeEach, describe, expect, it } from "vitest";
import * as bucketsRoute from "@/app/api/buckets/route";
import * as ruleRoute from "@/app/api/buckets/[bucket]/mirroring/rules/[id]/route";
import * as rulesRoute from "@/app/api/buckets/[bucket]/mirroring/rules/route";
import { db } from "@/lib/db/client";
import { callRoute, resetDatabase } from "../support/route-client";

const bucket = "mybucket";
const baseRule = { origin: { type: "url", protocol: "http", host: "www.myweb.com" }, storageClass: "STANDARD" };

const createRule = (rule: Record<string, unknown>, name = bucket) =>
  callRoute(rulesRoute.POST, { params: { bucket: name }, body: { ...baseRule, ...rule } });
const putRule = (id: number | string, body: Record<string, unknown>) =>
  callRoute(ruleRoute.PUT, { params: { bucket, id: String(id) }, body });

beforeEach(async () => {
  await resetDatabase();
  await callRoute(bucketsRoute.POST, { body: { name: bucket, zoneType: "SINGLE_AZ", defaultStorageClass: "STANDARD" } });
});

describe("mirror rules API", () => {
  it("creates rules and lists them in creation order with their metadata", async () => {
    const first = await createRule({ conditionPrefix: "zzz" });
    const second = await createRule({ conditionPrefix: "aaa", mode: "redirect", fixedKey: "404.html" });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ id: expect.any(Number), version: 1, conditionPrefix: "zzz", mode: "fetch" });
    expect(Date.parse(first.body.createdAt)).not.toBeNaN();
    expect(second.body.fixedKey).toBe("404.html");

    const list = await callRoute(rulesRoute.GET, { params: { bucket } });
    expect(list.body.rules.map((r: { conditionPrefix: string }) => r.conditionPrefix)).toEqual(["zzz", "aaa"]);
    const one = await callRoute(ruleRoute.GET, { params: { bucket, id: String(first.body.id) } });
    expect(one.body).toEqual(first.body);
  });

  it("round-trips every field", async () => {
    const rule = {
      mode: "fetch",
      conditionPrefix: "examplefolder",
      conditionSuffix: ".docx",
      origin: { type: "url", protocol: "https", host: "[2001:db8::1]:8443" },
      backupOrigin: { type: "url", protocol: "http", host: "backup.com" },
      prefixRewrite: { action: "replace", with: "myobject" },
      fixedKey: null,
      addressPrefix: "pre",
      addressSuffix: ".doc",
      passQueryString: true,
      storageClass: "COLD",
      headers: { passAll: false, pass: ["header1"], prohibit: ["cookie"], set: [{ name: "x-from", value: "bos" }] },
    };
    const created = await createRule(rule);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject(rule);
  });

  it("gives a rule without a storage class its bucket's default class, on create and on replace (as BOS does)", async () => {
    await callRoute(bucketsRoute.POST, { body: { name: "coldbucket", defaultStorageClass: "COLD" } });
    const created = await callRoute(rulesRoute.POST, { params: { bucket: "coldbucket" }, body: { origin: baseRule.origin } });
    expect(created.status).toBe(201);
    expect(created.body.storageClass).toBe("COLD");
    const replaced = await callRoute(ruleRoute.PUT, {
      params: { bucket: "coldbucket", id: String(created.body.id) },
      body: { origin: baseRule.origin, conditionPrefix: "x", version: 1 },
    });
    expect(replaced.status).toBe(200);
    expect(replaced.body).toMatchObject({ conditionPrefix: "x", storageClass: "COLD" });
    const explicit = await callRoute(rulesRoute.POST, { params: { bucket: "coldbucket" }, body: { origin: baseRule.origin, conditionPrefix: "y", storageClass: "ARCHIVE" } });
    expect(explicit.body.storageClass).toBe("ARCHIVE");
  });

  it("updates with the current version and refuses a stale one with 409", async () => {
    const { body: rule } = await createRule({ conditionPrefix: "abc" });
    const updated = await putRule(rule.id, { ...baseRule, conditionPrefix: "abd", version: 1 });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ conditionPrefix: "abd", version: 2 });

    const stale = await putRule(rule.id, { ...baseRule, conditionPrefix: "abe", version: 1 });
    expect(stale.status).toBe(409);
    expect(stale.body).toMatchObject({ code: "StaleVersion", message: expect.stringMatching(/Someone else changed/) });
    const current = await callRoute(ruleRoute.GET, { params: { bucket, id: String(rule.id) } });
    expect(current.body).toMatchObject({ conditionPrefix: "abd", version: 2 });
  });

  it("refuses the 21st rule with 409 and stores nothing", async () => {
    for (let i = 0; i < 20; i++) expect((await createRule({ conditionPrefix: `p${String(i).padStart(2, "0")}` })).status).toBe(201);
    const extra = await createRule({ conditionPrefix: "q" });
    expect(extra.status).toBe(409);
    expect(extra.body.code).toBe("TooManyRules");
    expect(await db().mirrorRule.count()).toBe(20);
  });

  it("refuses a conflicting rule, naming the other rule, on create and on update", async () => {
    const { body: abc } = await createRule({ conditionPrefix: "abc" });
    const conflict = await createRule({ conditionPrefix: "abc/aa" });
    expect(conflict.status).toBe(409);
    expect(conflict.body).toMatchObject({ code: "RuleConflict", message: expect.stringContaining(`Rule #${abc.id}`) });
    expect(conflict.body.fieldErrors.conditionPrefix[0]).toContain(`Rule #${abc.id}`);

    const { body: other } = await createRule({ conditionPrefix: "xyz" });
    const moved = await putRule(other.id, { ...baseRule, conditionPrefix: "ab", version: other.version });
    expect(moved.status).toBe(409);
    // A rule never conflicts with itself when it is edited.
    expect((await putRule(abc.id, { ...baseRule, conditionPrefix: "abcd", version: 1 })).status).toBe(200);
    expect(await db().mirrorRule.count()).toBe(2);
  });

  it("refuses any rule beside a catch-all", async () => {
    expect((await createRule({})).status).toBe(201);
    expect((await createRule({ conditionSuffix: ".jpg" })).body.code).toBe("RuleConflict");
  });

  it("answers 422 with field errors for invalid or oversized fields", async () => {
    const invalid = await createRule({
      conditionPrefix: "abc/",
      origin: { type: "url", host: "http://x.com/path" },
      headers: { pass: ["Authorization"] },
      addressPrefix: "a".repeat(5000),
    });
    expect(invalid.status).toBe(422);
    expect(Object.keys(invalid.body.fieldErrors).sort()).toEqual(["addressPrefix", "conditionPrefix", "headers.pass", "origin.host"]);

    const wrongClass = await createRule({ storageClass: "MAZ_STANDARD" });
    expect(wrongClass.status).toBe(422);
    expect(wrongClass.body.fieldErrors.storageClass[0]).toMatch(/single-AZ/);

    const unknownOrigin = await createRule({ origin: { type: "bucket", bucket: "ghost" } });
    expect(unknownOrigin.body.fieldErrors["origin.bucket"]).toEqual(["There is no bucket named ghost."]);
    expect(await db().mirrorRule.count()).toBe(0);
  });

  it("answers 400 for malformed JSON and 422 for a non-object body", async () => {
    const malformed = await callRoute(rulesRoute.POST, { params: { bucket }, body: '{"mode": ' });
    expect(malformed.status).toBe(400);
    expect(malformed.body.code).toBe("MalformedJson");
    expect((await callRoute(rulesRoute.POST, { params: { bucket }, body: "[1,2]" })).status).toBe(422);
    expect((await callRoute(rulesRoute.POST, { params: { bucket }, body: "null" })).status).toBe(422);
  });

  it("answers 413 for an oversized body", async () => {
    const huge = await callRoute(rulesRoute.POST, { params: { bucket }, body: { ...baseRule, addressPrefix: "a".repeat(2_000_000) } });
    expect(huge.status).toBe(413);
  });

  it("answers 404 for an unknown bucket or rule", async () => {
    expect((await createRule({}, "nobucket")).body.code).toBe("NoSuchBucket");
    expect((await callRoute(rulesRoute.GET, { params: { bucket: "nobucket" } })).status).toBe(404);
    for (const id of ["999", "abc", "0", "-1", "1e3", "99999999999999"]) {
      const result = await callRoute(ruleRoute.GET, { params: { bucket, id } });
      expect(result.status, id).toBe(404);
      expect(result.body.code).toBe("NoSuchRule");
    }
    expect((await putRule(999, { ...baseRule, version: 1 })).status).toBe(404);
    expect((await callRoute(ruleRoute.DELETE, { params: { bucket, id: "999" } })).status).toBe(404);
  });

  it("deletes a rule", async () => {
    const { body: rule } = await createRule({});
    expect((await callRoute(ruleRoute.DELETE, { params: { bucket, id: String(rule.id) } })).status).toBe(204);
    expect((await callRoute(rulesRoute.GET, { params: { bucket } })).body.rules).toEqual([]);
  });

  it("does not let one bucket's rule be read through another bucket", async () => {
    await callRoute(bucketsRoute.POST, { body: { name: "other", zoneType: "SINGLE_AZ", defaultStorageClass: "STANDARD" } });
    const { body: rule } = await createRule({}, "other");
    expect((await callRoute(ruleRoute.GET, { params: { bucket, id: String(rule.id) } })).status).toBe(404);
  });
});
