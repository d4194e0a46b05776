/**
 * BOS FetchObject (`POST /v1/{bucket}/{key}?fetch`): sync and async, the source in a header or the
 * query string, verification, overwrite, and the SSRF guard refusing before any connection.
 */
import { createHash } from "node:crypto";
import { afterAll, beforeAll, expect, it } from "vitest";
import { PATIENT_TIMEOUTS, bucketWithRules, startObjectServer, type TestObjectServer } from "../support/object-server";
import { RecordingOrigin } from "../support/recording-origin";
import { signedFetch } from "../support/signed-fetch";
import { waitFor } from "../support/wait";

let server: TestObjectServer;
let origin: RecordingOrigin;
/** On 127.0.0.2, which ORIGIN_ALLOWLIST (127.0.0.1 in tests) does not admit. */
let internal: RecordingOrigin;

beforeAll(async () => {
  // An origin request may be held until the test releases it: no timeout may end it first.
  server = await startObjectServer(undefined, {}, { originTimeouts: PATIENT_TIMEOUTS });
  origin = await new RecordingOrigin().start();
  internal = await new RecordingOrigin("127.0.0.2").start();
  await bucketWithRules(server.url, "fetched");
});
afterAll(async () => {
  await Promise.all([origin.stop(), internal.stop()]);
  await server.stop();
});

const fetchObject = (key: string, headers: Record<string, string>, query = "") =>
  signedFetch(`${server.url}/v1/fetched/${key}?fetch${query}`, { method: "POST", headers });
const stored = async (key: string) => {
  const response = await signedFetch(`${server.url}/v1/fetched/${key}`, { method: "GET" });
  return { status: response.status, text: await response.text(), storageClass: response.headers.get("x-bce-storage-class") };
};

it("fetches a URL synchronously and stores it, verified, answering as BOS does", async () => {
  origin.serve("/pics/cat.jpg", "meow", { "content-md5": createHash("md5").update("meow").digest("base64"), "content-type": "image/jpeg" });
  const response = await fetchObject("cat.jpg", { "x-bce-fetch-source": `http://${origin.host}/pics/cat.jpg`, "x-bce-fetch-mode": "sync", "x-bce-storage-class": "STANDARD_IA" });
  expect(response.status).toBe(200);
  const body = await response.json();
  expect(body).toEqual({ code: "success", message: "success", requestId: response.headers.get("x-bce-request-id"), jobId: "" });
  expect(response.headers.get("etag")).toBe(`"${createHash("md5").update("meow").digest("hex")}"`);
  expect(await stored("cat.jpg")).toEqual({ status: 200, text: "meow", storageClass: "STANDARD_IA" });
});

it("replaces a stored object, takes the source and mode from the query string, and fetches asynchronously", async () => {
  // The origin holds its answer until the job is accepted: an async fetch answers before it pulls.
  const { release } = origin.hold("/v2.txt", "second version");
  const source = encodeURIComponent(`http://${origin.host}/v2.txt`);
  const response = await fetchObject("doc.txt", {}, `&x-bce-fetch-source=${source}&x-bce-fetch-mode=async`);
  expect(response.status).toBe(200);
  expect((await response.json()).jobId).toMatch(/^fo-[0-9a-f]{32}$/);
  expect((await stored("doc.txt")).status).toBe(404);
  release();
  await waitFor(async () => (await stored("doc.txt")).text === "second version", "the async fetch to store the object");
  expect(origin.requestsFor("/v2.txt")).toHaveLength(1);

  origin.serve("/v3.txt", "third version");
  const again = await fetchObject("doc.txt", { "x-bce-fetch-source": `http://${origin.host}/v3.txt` });
  expect(again.status).toBe(200);
  expect(await stored("doc.txt")).toMatchObject({ text: "third version" });
});

it("stores nothing when the body fails verification, and passes a missing source through as 404", async () => {
  origin.serve("/bad.bin", "bytes", { "content-md5": createHash("md5").update("other").digest("base64") });
  const bad = await fetchObject("bad.bin", { "x-bce-fetch-source": `http://${origin.host}/bad.bin` });
  expect(bad.status).toBe(424);
  expect(await bad.json()).toMatchObject({ code: "MirrorFailed", message: expect.stringMatching(/MD5/) });
  expect((await stored("bad.bin")).status).toBe(404);

  const missing = await fetchObject("none.bin", { "x-bce-fetch-source": `http://${origin.host}/none.bin` });
  expect(missing.status).toBe(404);
});

it("refuses an internal address before connecting (the SSRF guard), and bad parameters with 400", async () => {
  internal.serve("/secret", "internal only");
  const refused = await fetchObject("secret", { "x-bce-fetch-source": `http://${internal.host}/secret` });
  expect(refused.status).toBe(424);
  expect(await refused.json()).toMatchObject({ code: "MirrorFailed", message: expect.stringMatching(/could not connect/) });
  expect(internal.received).toHaveLength(0);
  expect((await stored("secret")).status).toBe(404);

  for (const [headers, message] of [
    [{}, /x-bce-fetch-source is required/],
    [{ "x-bce-fetch-source": "file:///etc/passwd" }, /http or https/],
    [{ "x-bce-fetch-source": "not a url" }, /not a URL/],
    [{ "x-bce-fetch-source": `http://user:pw@${origin.host}/x` }, /user name or password/],
    [{ "x-bce-fetch-source": `http://${origin.host}/x`, "x-bce-fetch-mode": "later" }, /sync or async/],
    [{ "x-bce-fetch-source": `http://${origin.host}/x`, "x-bce-storage-class": "MAZ_STANDARD" }, /not available/],
  ] as const) {
    const response = await fetchObject("x", headers);
    expect(response.status).toBe(400);
    expect((await response.json()).message).toMatch(message);
  }
});

it("needs a signature", async () => {
  const anonymous = await fetch(`${server.url}/v1/fetched/anon?fetch`, { method: "POST", headers: { "x-bce-fetch-source": `http://${origin.host}/v2.txt` } });
  expect(anonymous.status).toBe(403);
  expect((await stored("anon")).status).toBe(404);
});
