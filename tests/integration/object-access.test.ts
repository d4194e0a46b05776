/** Signed requests, presigned URLs and bucket ACLs on the object API. Every rejection changes nothing. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAccessKey, setAccessKeyEnabled } from "@/lib/auth/access-key-service";
import { bceTimestamp, computeSignature, signRequest } from "@/lib/auth/bce-signature";
import { signedFetch as signWith } from "@/lib/auth/signed-fetch";
import * as bucketRoute from "@/app/api/buckets/[bucket]/route";
import { db } from "@/lib/db/client";
import { RecordingOrigin } from "../support/recording-origin";
import { bucketWithRules, startObjectServer, type TestObjectServer } from "../support/object-server";
import { callRoute } from "../support/route-client";
import { TEST_CREDENTIALS, signedFetch } from "../support/signed-fetch";

const TEST_AUDIT = { actor: "test", requestId: "test" };
let server: TestObjectServer;
let origin: RecordingOrigin;

beforeAll(async () => {
  server = await startObjectServer();
  origin = await new RecordingOrigin().start();
  origin.serve("/pulled.txt", "from the origin");
  await bucketWithRules(server.url, "private-b");
  await bucketWithRules(server.url, "public-b", [{ sourceUrl: `http://${origin.host}` }]);
  expect((await signedFetch(`${server.url}/v1/public-b?acl`, { method: "PUT", headers: { "x-bce-acl": "public-read" } })).status).toBe(200);
  await signedFetch(`${server.url}/v1/private-b/secret.txt`, { method: "PUT", body: "secret" });
  await signedFetch(`${server.url}/v1/public-b/open.txt`, { method: "PUT", body: "open" });
});
afterAll(async () => {
  await server.stop();
  await origin.stop();
});

async function expectDenied(response: Response, code: string) {
  expect(response.status).toBe(403);
  expect((await response.json()).code).toBe(code);
}

/** A PUT signed with `credentials` and the given options, sent with fetch. */
function signedPut(path: string, body: string, options: Parameters<typeof signRequest>[2], credentials = TEST_CREDENTIALS, tamper?: (auth: string) => string) {
  const url = new URL(`${server.url}${path}`);
  const date = bceTimestamp(new Date());
  let authorization = signRequest(credentials, { method: "PUT", rawPath: url.pathname, query: [], headers: { host: url.host, "x-bce-date": date } }, { ...options, signedHeaders: ["host", "x-bce-date"] });
  if (tamper) authorization = tamper(authorization);
  return fetch(url, { method: "PUT", body, headers: { authorization, "x-bce-date": date } });
}

const objectCount = () => db().storedObject.count();

describe("rejections", () => {
  it("refuses unsigned writes and changes nothing", async () => {
    const before = await objectCount();
    await expectDenied(await fetch(`${server.url}/v1/private-b/new.txt`, { method: "PUT", body: "x" }), "AccessDenied");
    await expectDenied(await fetch(`${server.url}/v1/public-b/new.txt`, { method: "PUT", body: "x" }), "AccessDenied");
    await expectDenied(await fetch(`${server.url}/v1/public-b/open.txt`, { method: "DELETE" }), "AccessDenied");
    await expectDenied(await fetch(`${server.url}/v1/public-b?mirroring`, { method: "DELETE" }), "AccessDenied");
    await expectDenied(await fetch(`${server.url}/v1/public-b?acl`, { method: "PUT", headers: { "x-bce-acl": "private" } }), "AccessDenied");
    await expectDenied(await fetch(`${server.url}/v1/new-bucket`, { method: "PUT" }), "AccessDenied");
    expect(await objectCount()).toBe(before);
    expect(await db().mirrorRule.count({ where: { bucket: { name: "public-b" } } })).toBe(1);
    expect((await db().bucket.findFirstOrThrow({ where: { name: "public-b" } })).acl).toBe("public-read");
  });

  it("refuses unsigned reads of a private bucket", async () => {
    await expectDenied(await fetch(`${server.url}/v1/private-b/secret.txt`), "AccessDenied");
    await expectDenied(await fetch(`${server.url}/v1/private-b`), "AccessDenied");
    await expectDenied(await fetch(`${server.url}/v1/`), "AccessDenied");
  });

  it("refuses an expired signature", async () => {
    const response = await signedPut("/v1/private-b/expired.txt", "x", { timestamp: new Date(Date.now() - 3_600_000), expirationSeconds: 60 });
    await expectDenied(response, "RequestExpired");
  });

  it("refuses a signature dated too far in the future", async () => {
    await expectDenied(await signedPut("/v1/private-b/future.txt", "x", { timestamp: new Date(Date.now() + 3_600_000) }), "RequestExpired");
  });

  it("refuses a tampered signature or request", async () => {
    const flipped = (auth: string) => auth.slice(0, -1) + (auth.endsWith("0") ? "1" : "0");
    await expectDenied(await signedPut("/v1/private-b/tampered.txt", "x", {}, TEST_CREDENTIALS, flipped), "SignatureDoesNotMatch");
    // Signed for one key, sent for another.
    const url = new URL(`${server.url}/v1/private-b/a.txt`);
    const authorization = signRequest(TEST_CREDENTIALS, { method: "PUT", rawPath: url.pathname, query: [], headers: { host: url.host } });
    await expectDenied(await fetch(`${server.url}/v1/private-b/b.txt`, { method: "PUT", body: "x", headers: { authorization } }), "SignatureDoesNotMatch");
  });

  it("refuses a wrong secret, an unknown key, a disabled key and a malformed string", async () => {
    await expectDenied(await signedPut("/v1/private-b/w.txt", "x", {}, { ...TEST_CREDENTIALS, secretKey: "wrong-secret-0123456789" }), "SignatureDoesNotMatch");
    await expectDenied(await signedPut("/v1/private-b/w.txt", "x", {}, { accessKeyId: "nosuchkey00", secretKey: "whatever-0123456789" }), "InvalidAccessKeyId");
    const extra = await createAccessKey("to disable", TEST_AUDIT);
    expect((await signedPut("/v1/private-b/k.txt", "x", {}, extra)).status).toBe(200);
    await setAccessKeyEnabled(extra.accessKeyId, false, TEST_AUDIT);
    await expectDenied(await signedPut("/v1/private-b/k2.txt", "x", {}, extra), "InvalidAccessKeyId");
    await expectDenied(await fetch(`${server.url}/v1/private-b/m.txt`, { headers: { authorization: "bce-auth-v1/broken" } }), "AccessDenied");
    await expectDenied(await fetch(`${server.url}/v1/private-b/m.txt`, { headers: { authorization: "Basic dXNlcjpwYXNz" } }), "AccessDenied");
    expect(await db().storedObject.count({ where: { key: { in: ["w.txt", "k2.txt"] } } })).toBe(0);
  });
});

describe("signatures must cover Host", () => {
  const objectIn = (bucket: string, key: string) => db().storedObject.count({ where: { key, bucket: { name: bucket } } });

  it("refuses a valid signature that lists only x-bce-date, and stores nothing", async () => {
    const url = new URL(`${server.url}/v1/private-b/hostless.txt`);
    const date = bceTimestamp(new Date());
    const authorization = signRequest(TEST_CREDENTIALS, { method: "PUT", rawPath: url.pathname, query: [], headers: { "x-bce-date": date } }, { signedHeaders: ["x-bce-date"] });
    await expectDenied(await fetch(url, { method: "PUT", body: "x", headers: { authorization, "x-bce-date": date } }), "AccessDenied");
    expect(await objectIn("private-b", "hostless.txt")).toBe(0);
  });

  it("does not let a DELETE signed for one virtual-host bucket delete the same key in another", async () => {
    const vhost = await startObjectServer("objects.test");
    try {
      for (const bucket of ["alpha-b", "beta-b"]) {
        await bucketWithRules(server.url, bucket);
        expect((await signedFetch(`${server.url}/v1/${bucket}/k`, { method: "PUT", body: bucket })).status).toBe(200);
      }
      const { request } = await import("undici");
      const date = bceTimestamp(new Date());
      const del = (host: string, authorization: string) => request(`${vhost.url}/k`, { method: "DELETE", headers: { host, authorization, "x-bce-date": date } });
      const sign = (signedHeaders: string[], host: string) =>
        signRequest(TEST_CREDENTIALS, { method: "DELETE", rawPath: "/k", query: [], headers: { host, "x-bce-date": date } }, { signedHeaders });

      // One signature without host, sent to both buckets: refused in both.
      const hostless = sign(["x-bce-date"], "alpha-b.objects.test");
      for (const host of ["alpha-b.objects.test", "beta-b.objects.test"]) {
        const response = await del(host, hostless);
        expect(response.statusCode).toBe(403);
        expect((await response.body.json()) as object).toMatchObject({ code: "AccessDenied" });
      }
      // A signature over alpha's host does not verify for beta.
      const forAlpha = sign(["host", "x-bce-date"], "alpha-b.objects.test");
      const replayed = await del("beta-b.objects.test", forAlpha);
      expect(replayed.statusCode).toBe(403);
      expect((await replayed.body.json()) as object).toMatchObject({ code: "SignatureDoesNotMatch" });
      expect([await objectIn("alpha-b", "k"), await objectIn("beta-b", "k")]).toEqual([1, 1]);

      const genuine = await del("alpha-b.objects.test", forAlpha);
      await genuine.body.dump();
      expect(genuine.statusCode).toBe(204);
      expect([await objectIn("alpha-b", "k"), await objectIn("beta-b", "k")]).toEqual([0, 1]);
    } finally {
      await vhost.stop();
    }
  });
});

describe("what is allowed", () => {
  it("lets anyone read a public-read bucket, and a miss there goes back to origin", async () => {
    const hit = await fetch(`${server.url}/v1/public-b/open.txt`);
    expect(await hit.text()).toBe("open");
    expect((await fetch(`${server.url}/v1/public-b/open.txt`, { method: "HEAD" })).status).toBe(200);
    const miss = await fetch(`${server.url}/v1/public-b/pulled.txt`);
    expect(await miss.text()).toBe("from the origin");
    expect(origin.requestsFor("/pulled.txt")).toHaveLength(1);
    expect((await fetch(`${server.url}/v1/public-b`)).status).toBe(200);
  });

  it("accepts a presigned URL fetched by a plain client, until it expires", async () => {
    const url = new URL(`${server.url}/v1/private-b/secret.txt`);
    const presign = (timestamp: Date) =>
      `${url}?authorization=${encodeURIComponent(signRequest(TEST_CREDENTIALS, { method: "GET", rawPath: url.pathname, query: [], headers: { host: url.host } }, { timestamp, expirationSeconds: 300, signedHeaders: ["host"] }))}`;
    expect(await (await fetch(presign(new Date()))).text()).toBe("secret");
    await expectDenied(await fetch(presign(new Date(Date.now() - 600_000))), "RequestExpired");
  });

  it("accepts signed requests without the /v1 prefix, as BOS's SDK sends them", async () => {
    const response = await signedFetch(`${server.url}/private-b/secret.txt`);
    expect(await response.text()).toBe("secret");
    // Without a signature, such a path is not an object-API request at all.
    expect((await fetch(`${server.url}/private-b/secret.txt`)).status).toBe(418);
  });

  it("reads and sets the ACL", async () => {
    const acl = await (await signedFetch(`${server.url}/v1/public-b?acl`)).json();
    expect(acl.acl).toBe("public-read");
    expect(acl.accessControlList).toContainEqual({ grantee: [{ id: "*" }], permission: ["READ"] });
    const bad = await signedFetch(`${server.url}/v1/public-b?acl`, { method: "PUT", headers: { "x-bce-acl": "world-writable" } });
    expect(bad.status).toBe(400);
    expect((await signedFetch(`${server.url}/v1/private-b?acl`)).status).toBe(200);
  });

  it("takes public-read back at once: anonymous reads are refused as soon as the bucket is private again (object API and console)", async () => {
    await bucketWithRules(server.url, "revoked");
    await signedFetch(`${server.url}/v1/revoked/open.txt`, { method: "PUT", body: "open for now" });
    const anonymous = () => fetch(`${server.url}/v1/revoked/open.txt`);
    const setAcl = (acl: string) => signedFetch(`${server.url}/v1/revoked?acl`, { method: "PUT", headers: { "x-bce-acl": acl } });
    expect((await setAcl("public-read")).status).toBe(200);
    // Read anonymously first, so that the bucket's public-read is what this instance holds in memory.
    expect(await (await anonymous()).text()).toBe("open for now");
    expect((await setAcl("private")).status).toBe(200);
    await expectDenied(await anonymous(), "AccessDenied");

    expect((await callRoute(bucketRoute.PATCH, { method: "PATCH", params: { bucket: "revoked" }, body: { acl: "public-read" } })).status).toBe(200);
    expect((await anonymous()).status).toBe(200);
    expect((await callRoute(bucketRoute.PATCH, { method: "PATCH", params: { bucket: "revoked" }, body: { acl: "private" } })).status).toBe(200);
    await expectDenied(await anonymous(), "AccessDenied");
  });

  it("verifies an empty signed-header list against the default set (host, content-*, x-bce-*)", async () => {
    const url = new URL(`${server.url}/v1/private-b/secret.txt`);
    const headers = { host: url.host, "x-bce-date": bceTimestamp(new Date()) };
    const prefix = `bce-auth-v1/${TEST_CREDENTIALS.accessKeyId}/${bceTimestamp(new Date())}/1800`;
    const { signature } = computeSignature(TEST_CREDENTIALS.secretKey, prefix, { method: "GET", rawPath: url.pathname, query: [], headers }, []);
    const ok = await fetch(url, { headers: { "x-bce-date": headers["x-bce-date"], authorization: `${prefix}//${signature}` } });
    expect(await ok.text()).toBe("secret");
    // The default set covers x-bce-* headers: changing one breaks the signature.
    const changed = await fetch(url, { headers: { "x-bce-date": "2000-01-01T00:00:00Z", authorization: `${prefix}//${signature}` } });
    await expectDenied(changed, "SignatureDoesNotMatch");
  });

  it("signs with any enabled access key", async () => {
    const key = await createAccessKey("second", TEST_AUDIT);
    expect((await signWith(key, `${server.url}/v1/private-b/secret.txt`)).status).toBe(200);
  });
});
