import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as accessKeyRoute from "@/app/api/access-keys/[accessKeyId]/route";
import * as accessKeysRoute from "@/app/api/access-keys/route";
import * as auditRoute from "@/app/api/buckets/[bucket]/audit/route";
import * as globalAuditRoute from "@/app/api/audit/route";
import * as bucketRoute from "@/app/api/buckets/[bucket]/route";
import * as ruleRoute from "@/app/api/buckets/[bucket]/mirroring/rules/[id]/route";
import * as rulesRoute from "@/app/api/buckets/[bucket]/mirroring/rules/route";
import * as bucketsRoute from "@/app/api/buckets/route";
import { findSigningSecret } from "@/lib/auth/access-key-service";
import { db } from "@/lib/db/client";
import { startObjectServer, type TestObjectServer } from "../support/object-server";
import { callRoute } from "../support/route-client";
import { TEST_CREDENTIALS, signedFetch } from "../support/signed-fetch";

let server: TestObjectServer;
beforeAll(async () => {
  server = await startObjectServer();
});
afterAll(() => server.stop());

describe("access keys API", () => {
  it("shows the secret once, at creation, and stores it sealed", async () => {
    const created = await callRoute(accessKeysRoute.POST, { body: { description: "migration job" } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ accessKeyId: expect.stringMatching(/^[0-9a-f]{20}$/), secretKey: expect.any(String), enabled: true });
    const row = await db().accessKey.findFirstOrThrow({ where: { accessKeyId: created.body.accessKeyId } });
    expect(row.secretSealed).not.toContain(created.body.secretKey);
    expect((await findSigningSecret(created.body.accessKeyId))?.secretKey).toBe(created.body.secretKey);

    const list = await callRoute(accessKeysRoute.GET);
    const listed = list.body.accessKeys.find((key: { accessKeyId: string }) => key.accessKeyId === created.body.accessKeyId);
    expect(listed).toEqual({ accessKeyId: created.body.accessKeyId, description: "migration job", enabled: true, createdAt: expect.any(String) });
    expect(JSON.stringify(list.body)).not.toContain(created.body.secretKey);
  });

  it("disables, enables and deletes keys, and a disabled key stops signing", async () => {
    const { body: key } = await callRoute(accessKeysRoute.POST, { body: {} });
    const { signedFetch: signWith } = await import("@/lib/auth/signed-fetch");
    // Used once first, so the server holds the key's secret in memory when it is disabled.
    expect((await signWith(key, `${server.url}/v1/`)).status).toBe(200);
    const disabled = await callRoute(accessKeyRoute.PATCH, { method: "PATCH", params: { accessKeyId: key.accessKeyId }, body: { enabled: false } });
    expect(disabled.body.enabled).toBe(false);
    expect((await signWith(key, `${server.url}/v1/`)).status).toBe(403);
    await callRoute(accessKeyRoute.PATCH, { method: "PATCH", params: { accessKeyId: key.accessKeyId }, body: { enabled: true } });
    expect((await signWith(key, `${server.url}/v1/`)).status).toBe(200);
    expect((await callRoute(accessKeyRoute.DELETE, { method: "DELETE", params: { accessKeyId: key.accessKeyId } })).status).toBe(204);
    expect((await signWith(key, `${server.url}/v1/`)).status).toBe(403);
    expect((await callRoute(accessKeyRoute.DELETE, { method: "DELETE", params: { accessKeyId: key.accessKeyId } })).status).toBe(404);
  });

  it("records key changes, never the secret, in the log outside buckets", async () => {
    const { body: key } = await callRoute(accessKeysRoute.POST, { body: { description: "logged" } });
    await callRoute(accessKeyRoute.PATCH, { method: "PATCH", params: { accessKeyId: key.accessKeyId }, body: { enabled: false } });
    const { body } = await callRoute(globalAuditRoute.GET);
    expect(body.events.slice(0, 2)).toMatchObject([
      { action: "accessKey.disable", target: key.accessKeyId, actor: "user:tester@example.com", before: { enabled: true }, after: { enabled: false } },
      { action: "accessKey.create", target: key.accessKeyId, after: { description: "logged" } },
    ]);
    expect(JSON.stringify(body)).not.toContain(key.secretKey);
  });

  it("needs a session", async () => {
    expect((await callRoute(accessKeysRoute.GET, { session: false })).status).toBe(401);
    expect((await callRoute(accessKeysRoute.POST, { session: false, body: {} })).status).toBe(401);
  });
});

describe("audit log", () => {
  const events = async (bucket: string, before?: number) =>
    (await callRoute(auditRoute.GET, { params: { bucket }, query: before ? `before=${before}` : undefined })).body as { events: { action: string; actor: string; before: unknown; after: unknown; requestId: string; target: string | null }[]; nextBefore: number | null };

  it("records who changed what, before and after, with the request id, newest first", async () => {
    const created = await callRoute(bucketsRoute.POST, { body: { name: "audited", zoneType: "SINGLE_AZ", defaultStorageClass: "STANDARD" } });
    const rule = await callRoute(rulesRoute.POST, { params: { bucket: "audited" }, body: { conditionPrefix: "a", origin: { type: "url", host: "a.com" }, storageClass: "STANDARD" } });
    await callRoute(ruleRoute.PUT, { method: "PUT", params: { bucket: "audited", id: String(rule.body.id) }, body: { conditionPrefix: "b", origin: { type: "url", host: "a.com" }, storageClass: "STANDARD", version: 1 } });
    await callRoute(bucketRoute.PATCH, { method: "PATCH", params: { bucket: "audited" }, body: { acl: "public-read" } });
    await signedFetch(`${server.url}/v1/audited?acl`, { method: "PUT", headers: { "x-bce-acl": "private" } });
    await callRoute(ruleRoute.DELETE, { method: "DELETE", params: { bucket: "audited", id: String(rule.body.id) } });

    const { events: log } = await events("audited");
    expect(log.map((event) => event.action)).toEqual(["rule.delete", "bucket.acl", "bucket.acl", "rule.update", "rule.create", "bucket.create"]);
    expect(log.at(-1)).toMatchObject({ actor: "user:tester@example.com", requestId: created.headers.get("x-request-id"), after: { name: "audited" } });
    expect(log[1]).toMatchObject({ actor: `key:${TEST_CREDENTIALS.accessKeyId}`, before: { acl: "public-read" }, after: { acl: "private" } });
    expect(log[3]).toMatchObject({ target: String(rule.body.id), before: { conditionPrefix: "a" }, after: { conditionPrefix: "b", version: 2 } });
    expect(log[0]).toMatchObject({ before: { conditionPrefix: "b" }, after: null });
  });

  it("records nothing for a refused change", async () => {
    const before = await db().auditEvent.count();
    await callRoute(bucketRoute.PATCH, { method: "PATCH", params: { bucket: "audited" }, body: { acl: "everyone" } });
    await callRoute(bucketsRoute.POST, { session: false, body: { name: "nope-bucket", zoneType: "SINGLE_AZ", defaultStorageClass: "STANDARD" } });
    expect(await db().auditEvent.count()).toBe(before);
  });

  it("pages back in time", async () => {
    await callRoute(bucketsRoute.POST, { body: { name: "busy", zoneType: "SINGLE_AZ", defaultStorageClass: "STANDARD" } });
    for (let i = 0; i < 30; i++) await callRoute(bucketRoute.PATCH, { method: "PATCH", params: { bucket: "busy" }, body: { acl: i % 2 ? "private" : "public-read" } });
    const first = await events("busy");
    expect(first.events).toHaveLength(25);
    expect(first.nextBefore).toEqual(expect.any(Number));
    const older = await events("busy", first.nextBefore!);
    expect(older.events).toHaveLength(6);
    expect(older.nextBefore).toBeNull();
    expect(older.events.at(-1)!.action).toBe("bucket.create");
  });
});
