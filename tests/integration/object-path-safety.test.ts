/**
 * Attacks on the object path (issue "Security and data safety", items 1, 3, 5, 10, 11 and 17),
 * against the real object API and real loopback origins.
 */
import { createServer, request as httpRequest, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bceTimestamp, signRequest } from "@/lib/auth/bce-signature";
import { db } from "@/lib/db/client";
import { RecordingOrigin } from "../support/recording-origin";
import { PATIENT_TIMEOUTS, bucketWithRules, startObjectServer, type TestObjectServer } from "../support/object-server";
import { TEST_CREDENTIALS, signedFetch } from "../support/signed-fetch";
import { waitFor } from "../support/wait";

let server: TestObjectServer;
let origin: RecordingOrigin;
const settled = () => waitFor(() => server.engine.idle, "the fetch to settle");

beforeAll(async () => {
  // The write races hold the origin's body until the test releases it.
  server = await startObjectServer(undefined, {}, { originTimeouts: PATIENT_TIMEOUTS });
  origin = await new RecordingOrigin().start();
  await bucketWithRules(server.url, "site", [{ sourceUrl: `http://${origin.host}`, prefix: "public/assets" }]);
  await bucketWithRules(server.url, "moved", [{ mode: "redirect", sourceUrl: `http://${origin.host}`, prefix: "public/assets" }]);
});
afterAll(async () => {
  await server.stop();
  await origin.stop();
});

describe("object responses cannot run script as the console", () => {
  const expectSandboxed = (response: Response) => {
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("content-security-policy")).toMatch(/^sandbox(;|$)/);
  };

  it("on an uploaded HTML page and SVG, a mirrored page, an error and a redirect", async () => {
    const html = "<script>fetch('/api/access-keys',{method:'POST'})</script>";
    // The page's own author tries to lift the sandbox: headers of its own, sent with the upload and by the origin.
    const lifted = { "content-security-policy": "default-src *", "x-content-type-options": "sniff" };
    await signedFetch(`${server.url}/v1/site/evil.html`, { method: "PUT", body: html, headers: { "content-type": "text/html", ...lifted } });
    await signedFetch(`${server.url}/v1/site/evil.svg`, { method: "PUT", body: "<svg onload=alert(1)/>", headers: { "content-type": "image/svg+xml" } });
    origin.serve("/public/assets/index.html", html, { "content-type": "text/html", ...lifted });

    const uploaded = await signedFetch(`${server.url}/v1/site/evil.html`);
    expect(uploaded.headers.get("content-type")).toBe("text/html");
    expectSandboxed(uploaded);
    expectSandboxed(await signedFetch(`${server.url}/v1/site/evil.svg`));
    // As the origin's answer streams through (the miss), and once stored.
    expectSandboxed(await signedFetch(`${server.url}/v1/site/index.html`));
    await settled();
    expectSandboxed(await signedFetch(`${server.url}/v1/site/index.html`));
    expectSandboxed(await signedFetch(`${server.url}/v1/site/missing-and-not-at-origin`));
    expectSandboxed(await signedFetch(`${server.url}/v1/moved/x.html`, { redirect: "manual" }));
    await settled();
  });
});

describe("dot segments never leave the rule's origin path", () => {
  it.each([
    ["a literal ../ climb", "/v1/site/pub/../../secret/config"],
    ["a percent-encoded %2E%2E climb", "/v1/site/pub/%2E%2E/%2e%2e/secret/config"],
    ["a single dot segment", "/v1/site/./x"],
    ["a backslash climb", "/v1/site/pub/..%5C..%5Csecret"],
  ])("refuses %s with 400 in fetch and redirect mode, and sends nothing to the origin", async (_, path) => {
    const before = origin.received.length;
    const fetched = await rawGet(path);
    expect(fetched.status).toBe(400);
    expect(JSON.parse(fetched.body)).toMatchObject({ code: "InvalidObjectName" });
    const redirected = await rawGet(path.replace("/v1/site/", "/v1/moved/"));
    expect(redirected.status).toBe(400);
    expect(redirected.location).toBeUndefined();
    await settled();
    expect(origin.received.length).toBe(before);
  });

  it("still mirrors keys whose segments merely contain dots", async () => {
    origin.serve("/public/assets/a..b/.hidden/x...", "dots");
    const response = await signedFetch(`${server.url}/v1/site/a..b/.hidden/x...`);
    expect(await response.text()).toBe("dots");
    await settled();
  });
});

/** A signed GET with the path exactly as given (fetch() would resolve the dot segments itself). */
function rawGet(path: string): Promise<{ status: number; body: string; location: string | undefined }> {
  const url = new URL(server.url);
  const date = bceTimestamp(new Date());
  const signed = { method: "GET", rawPath: path, query: [], headers: { host: url.host, "x-bce-date": date } };
  const authorization = signRequest(TEST_CREDENTIALS, signed, { signedHeaders: ["host", "x-bce-date"] });
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: url.hostname, port: url.port, path, headers: { "x-bce-date": date, authorization } }, (res) => {
      let body = "";
      res.on("data", (chunk: Buffer) => (body += chunk.toString()));
      res.on("end", () => resolve({ status: res.statusCode!, body, location: res.headers.location }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("a rule whose origin is this server", () => {
  let proxy: Server;
  let proxied = 0;

  beforeAll(async () => {
    // A reverse proxy in front of this server: the loop cannot be seen when the rule is saved. Each
    // hop asks for a longer key ("again/again/..."), so single-flight alone would not stop it.
    const target = new URL(server.url);
    proxy = createServer((req, res) => {
      proxied += 1;
      const upstream = httpRequest({ host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode!, answer.headers);
        answer.pipe(res);
      });
      upstream.on("error", () => res.destroy());
      req.pipe(upstream);
    });
    await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
    const proxyHost = `127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    await bucketWithRules(server.url, "loop", [{ sourceUrl: `http://${proxyHost}`, prefix: "v1/loop/again" }]);
    // Public-read, as in the attack: the looped request needs no signature to reach the rule again.
    await signedFetch(`${server.url}/v1/loop?acl`, { method: "PUT", headers: { "x-bce-acl": "public-read" } });
  });
  afterAll(async () => {
    proxy.closeAllConnections();
    await new Promise((resolve) => proxy.close(resolve));
  });

  it("goes back to origin once: the marked request answers 508 and the client 424", async () => {
    const response = await signedFetch(`${server.url}/v1/loop/anything`);
    expect(response.status).toBe(424);
    await settled();
    expect(proxied).toBe(1);
  });

  it("answers 508 LoopDetected to a request that carries the hop marker", async () => {
    const response = await signedFetch(`${server.url}/v1/loop/other`, { headers: { "x-bce-mirror-hop": "1" } });
    expect(response.status).toBe(508);
    expect(await response.json()).toMatchObject({ code: "LoopDetected" });
    expect(proxied).toBe(1);
  });
});

/** An origin that sends half of `body` and the rest only when `release()` is called. */
function heldOrigin(path: string, body: Buffer) {
  let pending: ServerResponse | null = null;
  let releaseNow = false;
  origin.on(path, (_req, res) => {
    res.writeHead(200, { "content-length": body.length });
    res.write(body.subarray(0, body.length / 2));
    if (releaseNow) res.end(body.subarray(body.length / 2));
    else pending = res;
  });
  return {
    started: () => waitFor(() => pending !== null, "the origin to start sending"),
    release: () => {
      releaseNow = true;
      pending?.end(body.subarray(body.length / 2));
    },
  };
}

describe("a client write during a mirror wins over the older origin copy", () => {
  const originBytes = Buffer.alloc(256 * 1024, "o");

  it("a PUT made while the mirror runs is what stays", async () => {
    const held = heldOrigin("/public/assets/put-race", originBytes);
    const mirrored = signedFetch(`${server.url}/v1/site/put-race`);
    await held.started();
    const put = await signedFetch(`${server.url}/v1/site/put-race`, { method: "PUT", body: "newer" });
    expect(put.status).toBe(200);
    held.release();
    expect((await (await mirrored).arrayBuffer()).byteLength).toBe(originBytes.length);
    await settled();
    expect(await (await signedFetch(`${server.url}/v1/site/put-race`)).text()).toBe("newer");
  });

  it("a DELETE made while the mirror runs is not undone", async () => {
    const held = heldOrigin("/public/assets/delete-race", originBytes);
    const mirrored = signedFetch(`${server.url}/v1/site/delete-race`);
    await held.started();
    await signedFetch(`${server.url}/v1/site/delete-race`, { method: "DELETE" });
    held.release();
    await (await mirrored).arrayBuffer();
    await settled();
    expect(await db().storedObject.count({ where: { key: "delete-race" } })).toBe(0);
    expect((await signedFetch(`${server.url}/v1/site/delete-race`, { method: "HEAD" })).status).toBe(404);
  });
});

describe("read-after-write after a mirror", () => {
  it("a HEAD and a LIST that start after a complete mirrored GET see the object, every time", async () => {
    const failures: string[] = [];
    for (let i = 0; i < 20; i++) {
      origin.serve(`/public/assets/raw/${i}`, Buffer.alloc(64 * 1024 + i, i));
      const got = await signedFetch(`${server.url}/v1/site/raw/${i}`);
      expect((await got.arrayBuffer()).byteLength).toBe(64 * 1024 + i);
      const [head, list] = await Promise.all([
        signedFetch(`${server.url}/v1/site/raw/${i}`, { method: "HEAD" }),
        signedFetch(`${server.url}/v1/site?prefix=raw/${i}`).then((response) => response.json() as Promise<{ contents: { key: string }[] }>),
      ]);
      if (head.status !== 200) failures.push(`HEAD raw/${i}: ${head.status}`);
      if (!list.contents.some((entry) => entry.key === `raw/${i}`)) failures.push(`LIST raw/${i}: missing`);
    }
    expect(failures).toEqual([]);
  });
});

describe("anonymous clients cannot probe bucket names", () => {
  it("a missing bucket answers exactly as a private one", async () => {
    const missing = await fetch(`${server.url}/v1/no-such-bucket-here/x`);
    const private_ = await fetch(`${server.url}/v1/site/x`);
    expect(missing.status).toBe(403);
    expect(private_.status).toBe(403);
    const strip = (body: { requestId?: string }) => ({ ...body, requestId: undefined });
    expect(strip(await missing.json())).toEqual(strip(await private_.json()));
    expect((await fetch(`${server.url}/v1/no-such-bucket-here`, { method: "HEAD" })).status).toBe(403);
  });
});
