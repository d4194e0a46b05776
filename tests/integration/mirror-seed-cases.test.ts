/** The seed's worked cases, end to end: the origin must receive exactly the computed address. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { RecordingOrigin } from "../support/recording-origin";
import { bucketWithRules, startObjectServer, type TestObjectServer } from "../support/object-server";
import { waitFor } from "../support/wait";
import { signedFetch } from "../support/signed-fetch";

let server: TestObjectServer;
let origin: RecordingOrigin;
let backup: RecordingOrigin;

beforeAll(async () => {
  server = await startObjectServer();
  origin = await new RecordingOrigin().start();
  backup = await new RecordingOrigin().start();
});
afterAll(async () => {
  await server.stop();
  await origin.stop();
  await backup.stop();
});

/** The response ends once the body is verified; the commit (fsync, rename, row) follows. */
const settled = () => waitFor(() => server.engine.idle, "the fetch to be stored");

async function storedKeys(bucket: string): Promise<string[]> {
  await settled();
  const rows = await db().storedObject.findMany({ where: { bucket: { name: bucket } }, select: { key: true } });
  return rows.map((row) => row.key);
}

/** Sets the rule, GETs the key, and returns what the origin saw and what was stored. */
async function mirrorCase(bucket: string, rule: Record<string, unknown>, key: string, originPath: string) {
  origin.serve(originPath, `bytes of ${originPath}`, { "content-type": "application/msword" });
  await bucketWithRules(server.url, bucket, [{ sourceUrl: `http://${origin.host}`, ...rule }]);
  const response = await signedFetch(`${server.url}/v1/${bucket}/${key}`);
  expect(response.status).toBe(200);
  expect(await response.text()).toBe(`bytes of ${originPath}`);
  expect(origin.requestsFor(originPath)).toHaveLength(1);
  expect(await storedKeys(bucket)).toEqual([decodeURIComponent(key)]);
  const hit = await signedFetch(`${server.url}/v1/${bucket}/${key}`);
  expect(hit.headers.get("content-type")).toBe("application/msword");
  expect(hit.headers.get("etag")).toMatch(/^"[0-9a-f]{32}"$/);
  expect(origin.requestsFor(originPath)).toHaveLength(1);
}

describe("seed cases", () => {
  it("address example: no condition, no rewrite", () => mirrorCase("seed-address", { resource: "*" }, "myobject.docx", "/myobject.docx"));
  it("case 1: prefix abc", () => mirrorCase("seed-case1", { resource: "abc*" }, "abc/myobject.docx", "/abc/myobject.docx"));
  it("case 2: prefix abc/aa", () => mirrorCase("seed-case2", { resource: "abc/aa*" }, "abc/aa/myobject.docx", "/abc/aa/myobject.docx"));
  it("case 3: replace with tihuan/edf, suffix .doc", () =>
    mirrorCase("seed-case3", { resource: "abc*", version: "v2", prefixReplace: "tihuan/edf", suffix: ".doc" }, "abc/myobject.docx", "/tihuan/edf/myobject.doc"));
  it("case 4: crop, prefix qianzhui/", () =>
    mirrorCase("seed-case4", { resource: "abc/aa*", version: "v2", prefixReplace: "", prefix: "qianzhui/" }, "abc/aa/myobject.docx", "/qianzhui/myobject.docx"));
  it("2.2 prefix: test", () => mirrorCase("seed-prefix", { prefix: "test" }, "objectname.doc", "/test/objectname.doc"));
  it("process 1: replace with myobject for every key", () =>
    mirrorCase("seed-process1", { version: "v2", prefixReplace: "myobject" }, "a/b.png", "/myobject/a/b.png"));
  it("percent-encodes the origin path", () => mirrorCase("seed-encoding", {}, "dir%20one/caf%C3%A9%23%3F.txt", "/dir%20one/caf%C3%A9%23%3F.txt"));

  it("process 2: fails over to the backup origin on a 404, and answers 404 when both miss", async () => {
    backup.serve("/myobject/x.docx", "from backup");
    await bucketWithRules(server.url, "seed-process2", [
      { resource: "examplefolder*", version: "v2", prefixReplace: "myobject", sourceUrl: `http://${origin.host}`, backSourceUrl: `http://${backup.host}` },
    ]);
    const response = await signedFetch(`${server.url}/v1/seed-process2/examplefolder/x.docx`);
    expect(await response.text()).toBe("from backup");
    expect(origin.requestsFor("/myobject/x.docx")).toHaveLength(1);
    expect(backup.requestsFor("/myobject/x.docx")).toHaveLength(1);
    expect(await storedKeys("seed-process2")).toEqual(["examplefolder/x.docx"]);

    const missing = await signedFetch(`${server.url}/v1/seed-process2/examplefolder/none.docx`);
    expect(missing.status).toBe(404);
    expect((await missing.json()).code).toBe("NoSuchKey");
    expect(backup.requestsFor("/myobject/none.docx")).toHaveLength(1);
    expect(await storedKeys("seed-process2")).toEqual(["examplefolder/x.docx"]);
  });

  it("process 2: fails over to the backup origin when the primary fails", async () => {
    origin.on("/failing/y.docx", (_req, res) => res.writeHead(503).end());
    backup.serve("/failing/y.docx", "backup saves the day");
    await bucketWithRules(server.url, "seed-failover", [
      { resource: "failing*", sourceUrl: `http://${origin.host}`, backSourceUrl: `http://${backup.host}` },
    ]);
    expect(await (await signedFetch(`${server.url}/v1/seed-failover/failing/y.docx`)).text()).toBe("backup saves the day");
  });

  it("process 3: reads another bucket directly and stores under the requested key", async () => {
    await bucketWithRules(server.url, "bucket-b");
    await signedFetch(`${server.url}/v1/bucket-b/folderB/example.docx`, { method: "PUT", body: "private bytes", headers: { "content-type": "text/x-doc" } });
    await bucketWithRules(server.url, "bucket-a", [
      { resource: "folderA*", sourceUrl: "bos://bucket-b", version: "v2", prefixReplace: "folderB", passQuerystring: true, passHeaders: ["header1", "header2"] },
    ]);
    const response = await signedFetch(`${server.url}/v1/bucket-a/folderA/example.docx?from=web`, { headers: { header1: "one" } });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("private bytes");
    expect(response.headers.get("content-type")).toBe("text/x-doc");
    expect(await storedKeys("bucket-a")).toEqual(["folderA/example.docx"]);
    await settled();
    const row = await db().storedObject.findFirstOrThrow({ where: { bucket: { name: "bucket-a" } } });
    expect(row.sourceUrl).toBe("bos://bucket-b/folderB/example.docx?from=web");
    expect((await signedFetch(`${server.url}/v1/bucket-a/folderA/other.docx`)).status).toBe(404);
  });
});

describe("what reaches the origin", () => {
  it("sends no query string and no request headers by default, and our User-Agent", async () => {
    origin.serve("/plain/a.txt", "a");
    await bucketWithRules(server.url, "send-default", [{ resource: "plain*", sourceUrl: `http://${origin.host}` }]);
    await signedFetch(`${server.url}/v1/send-default/plain/a.txt?x=1`, { headers: { header1: "one", cookie: "c=1" } });
    const [seen] = origin.requestsFor("/plain/a.txt");
    expect(seen!.query).toBe("");
    expect(seen!.headers.header1).toBeUndefined();
    expect(seen!.headers.cookie).toBeUndefined();
    expect(seen!.headers["user-agent"]).toBe("bos-mirror/0.1 (mirror back-to-origin)");
  });

  it("passes the query (minus signatures) and the listed headers, sets configured ones, never forbidden ones", async () => {
    origin.serve("/pass/a.txt", "a");
    await bucketWithRules(server.url, "send-rules", [
      {
        resource: "pass*",
        sourceUrl: `http://${origin.host}`,
        passQueryString: true,
        passHeaders: ["header1", "header2"],
        ignoreHeaders: ["header2"],
        customHeaders: [{ headerName: "x-from", headerValue: "bos" }],
      },
    ]);
    await signedFetch(`${server.url}/v1/send-rules/pass/a.txt?x=1&authorization=bce-auth-v1%2Fsig&y=%20z`, {
      headers: { header1: "one", header2: "two", header3: "three", range: "bytes=0-0" },
    });
    const [seen] = origin.requestsFor("/pass/a.txt");
    expect(seen!.query).toBe("x=1&y=%20z");
    expect(seen!.headers).toMatchObject({ header1: "one", "x-from": "bos" });
    for (const name of ["header2", "header3", "authorization", "range"]) expect(seen!.headers[name], name).toBeUndefined();
  });

  it("with pass-all, still never sends Host, Authorization or x-bce-* from the client", async () => {
    origin.serve("/all/a.txt", "a");
    await bucketWithRules(server.url, "send-all", [{ resource: "all*", sourceUrl: `http://${origin.host}`, passHeaders: ["*"] }]);
    await signedFetch(`${server.url}/v1/send-all/all/a.txt`, { headers: { header9: "nine" } });
    const [seen] = origin.requestsFor("/all/a.txt");
    expect(seen!.headers.header9).toBe("nine");
    expect(seen!.headers.host).toBe(origin.host);
    expect(seen!.headers.authorization).toBeUndefined();
    expect(seen!.headers["x-bce-date"]).toBeUndefined();
  });

  it("stores the seven metadata headers, the storage class and the source", async () => {
    const headers = {
      "content-type": "image/png",
      "content-encoding": "identity",
      "content-disposition": "inline",
      "cache-control": "max-age=600",
      expires: "Wed, 21 Oct 2026 07:28:00 GMT",
      "content-language": "zh-CN",
      "access-control-allow-origin": "*",
      "x-not-kept": "1",
    };
    origin.serve("/meta/p.png", "png", headers);
    await bucketWithRules(server.url, "meta", [{ resource: "meta*", sourceUrl: `http://${origin.host}`, storageClass: "COLD" }]);
    await (await signedFetch(`${server.url}/v1/meta/meta/p.png`)).text();
    await settled();
    const hit = await signedFetch(`${server.url}/v1/meta/meta/p.png`);
    const { "x-not-kept": _dropped, ...kept } = headers;
    for (const [name, value] of Object.entries(kept)) expect(hit.headers.get(name), name).toBe(value);
    expect(hit.headers.get("x-not-kept")).toBeNull();
    expect(hit.headers.get("x-bce-storage-class")).toBe("COLD");
    const row = await db().storedObject.findFirstOrThrow({ where: { key: "meta/p.png" } });
    expect(row.sourceUrl).toBe(`http://${origin.host}/meta/p.png`);
  });

  it("keeps compressed bytes exactly as the origin sent them", async () => {
    const { gzipSync } = await import("node:zlib");
    const gz = gzipSync("a".repeat(5000));
    origin.serve("/gz/a.txt", gz, { "content-encoding": "gzip", "content-type": "text/plain" });
    await bucketWithRules(server.url, "gzip", [{ resource: "gz*", sourceUrl: `http://${origin.host}` }]);
    // A plain GET with Accept-Encoding: identity still returns the gzip bytes as stored.
    const first = await signedFetch(`${server.url}/v1/gzip/gz/a.txt`, { headers: { "accept-encoding": "identity" } });
    expect(first.headers.get("content-encoding")).toBe("gzip");
    expect(Number(first.headers.get("content-length"))).toBe(gz.length);
    await settled();
    const row = await db().storedObject.findFirstOrThrow({ where: { key: "gz/a.txt" } });
    expect(Number(row.size)).toBe(gz.length);
  });
});
