/** The faults of shared/notes/field.md: nothing partial is ever stored, and errors are clear. */
import { createHash, randomBytes } from "node:crypto";
import type { ServerResponse } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { UNREACHABLE_MESSAGE } from "@/lib/origin/origin-client";
import { RecordingOrigin } from "../support/recording-origin";
import { TEST_MAX_OBJECT_SIZE, bucketWithRules, startObjectServer, type TestObjectServer } from "../support/object-server";
import { waitFor } from "../support/wait";
import { signedFetch } from "../support/signed-fetch";
import { unfinishedWrites } from "../support/stored-blobs";

let server: TestObjectServer;
let origin: RecordingOrigin;
const BUCKET = "faults";
const body = randomBytes(64 * 1024);
const md5 = (data: Buffer) => createHash("md5").update(data).digest();
/** Compares bodies by digest: a deep toEqual over megabytes of Buffer takes minutes. */
const same = (outcome: Outcome, expected: Buffer) => "body" in outcome && outcome.status === 200 && outcome.body.equals(expected);

beforeAll(async () => {
  server = await startObjectServer();
  origin = await new RecordingOrigin().start();
  await bucketWithRules(server.url, BUCKET, [{ resource: "f*", sourceUrl: `http://${origin.host}` }]);
  await bucketWithRules(server.url, "redirects", [{ mode: "redirect", resource: "r*", sourceUrl: `http://${origin.host}` }]);
  await bucketWithRules(server.url, "fixed", [{ mode: "redirect", sourceUrl: `http://${origin.host}`, fixedKey: "errors/default.png" }]);
});
afterAll(async () => {
  await server.stop();
  await origin.stop();
});

type Outcome = { status: number; body: Buffer } | { aborted: true; status: number };

/** GETs `path` and reads the whole body; a broken transfer is reported, not thrown. */
async function get(urlPath: string, headers: Record<string, string> = {}): Promise<Outcome> {
  const response = await signedFetch(`${server.url}${urlPath}`, { headers, redirect: "manual" });
  try {
    return { status: response.status, body: Buffer.from(await response.arrayBuffer()) };
  } catch {
    return { aborted: true, status: response.status };
  }
}

const settled = () => waitFor(() => server.engine.idle, "the fetch to settle");

async function expectNothingStored(key: string) {
  await settled();
  expect(await db().storedObject.count({ where: { key } })).toBe(0);
  expect(await unfinishedWrites()).toEqual([]);
}

/** Writes part of the body, then lets `end` break the response. */
function partial(bytes: number, end: (res: ServerResponse) => void, headers: Record<string, string | number> = { "content-length": body.length }) {
  return (_req: unknown, res: ServerResponse) => {
    res.writeHead(200, headers);
    res.write(body.subarray(0, bytes), () => setTimeout(() => end(res), 50));
  };
}

/** Sends the body in pieces, so that requests overlap the fetch. */
const slowly = (bytes: Buffer, pieces = 8, gapMs = 40) => (_req: unknown, res: ServerResponse) => {
  res.writeHead(200, { "content-length": bytes.length });
  const size = Math.ceil(bytes.length / pieces);
  let sent = 0;
  const next = () => {
    if (res.destroyed) return;
    res.write(bytes.subarray(sent, sent + size));
    sent += size;
    if (sent < bytes.length) setTimeout(next, gapMs);
    else res.end();
  };
  next();
};


describe("broken bodies are never stored", () => {
  it.each([
    ["closes after half the declared length", partial(body.length / 2, (res) => res.socket?.destroy())],
    ["resets mid-body", partial(1000, (res) => res.socket?.resetAndDestroy())],
    ["sends a chunked body without its last chunk", partial(5000, (res) => res.socket?.destroy(), { "transfer-encoding": "chunked" })],
  ])("origin %s: the client sees a broken transfer, and the next GET fetches again", async (name, behaviour) => {
    const originPath = `/f/${name.replaceAll(" ", "-")}`;
    origin.on(originPath, behaviour);
    const outcome = await get(`/v1/${BUCKET}${originPath}`);
    expect(outcome).toMatchObject({ aborted: true, status: 200 });
    await expectNothingStored(originPath.slice(1));

    origin.serve(originPath, body);
    const retry = await get(`/v1/${BUCKET}${originPath}`);
    expect(same(retry, body)).toBe(true);
    expect(origin.requestsFor(originPath)).toHaveLength(2);
  });

  it.each([
    ["Content-MD5", { "content-md5": md5(Buffer.from("other")).toString("base64") }],
    ["strong MD5 ETag", { etag: `"${md5(Buffer.from("other")).toString("hex")}"` }],
  ])("a %s that does not match the bytes", async (name, headers) => {
    const originPath = `/f/digest-${name.replaceAll(" ", "-")}`;
    origin.serve(originPath, body, headers);
    expect(await get(`/v1/${BUCKET}${originPath}`)).toMatchObject({ aborted: true });
    await expectNothingStored(originPath.slice(1));
  });

  it("accepts a matching Content-MD5", async () => {
    origin.serve("/f/md5-ok", body, { "content-md5": md5(body).toString("base64") });
    expect(same(await get(`/v1/${BUCKET}/f/md5-ok`), body)).toBe(true);
    await settled();
    expect(await db().storedObject.count({ where: { key: "f/md5-ok" } })).toBe(1);
  });

  it("an origin that stalls after the headers is cut off by the idle timeout", async () => {
    origin.on("/f/stall", partial(100, () => undefined));
    expect(await get(`/v1/${BUCKET}/f/stall`)).toMatchObject({ aborted: true });
    await expectNothingStored("f/stall");
  });

  it("an origin that trickles is cut off by the body timeout", async () => {
    origin.on("/f/trickle", (_req, res) => {
      res.writeHead(200, { "content-length": body.length });
      const timer = setInterval(() => res.write(body.subarray(0, 1)), 200);
      res.on("close", () => clearInterval(timer));
    });
    expect(await get(`/v1/${BUCKET}/f/trickle`)).toMatchObject({ aborted: true });
    await expectNothingStored("f/trickle");
  });

  it("an object over the size limit", async () => {
    origin.serve("/f/huge", Buffer.alloc(TEST_MAX_OBJECT_SIZE + 1));
    const response = await signedFetch(`${server.url}/v1/${BUCKET}/f/huge`);
    expect(response.status).toBe(424);
    expect((await response.json()).message).toMatch(/more than the 8388608-byte limit/);
    await expectNothingStored("f/huge");
  });
});

describe("origin answers", () => {
  it("passes a 404 through and stores nothing", async () => {
    const response = await signedFetch(`${server.url}/v1/${BUCKET}/f/absent.txt`);
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ code: "NoSuchKey", message: expect.stringContaining(`http://${origin.host}/f/absent.txt`) });
    await expectNothingStored("f/absent.txt");
  });

  it.each([403, 500, 503])("turns a %i into 424 MirrorFailed with the reason", async (status) => {
    origin.on(`/f/status-${status}`, (_req, res) => res.writeHead(status).end("no"));
    const response = await signedFetch(`${server.url}/v1/${BUCKET}/f/status-${status}`);
    expect(response.status).toBe(424);
    expect(await response.json()).toMatchObject({ code: "MirrorFailed", message: expect.stringContaining(`answered HTTP ${status}`) });
    await expectNothingStored(`f/status-${status}`);
  });

  it("an origin that sends no headers in time gives 424", async () => {
    origin.on("/f/silent", () => undefined);
    const response = await signedFetch(`${server.url}/v1/${BUCKET}/f/silent`);
    expect(response.status).toBe(424);
    expect((await response.json()).message).toMatch(/no response headers in time/);
  });

  it("an origin that refuses connections gives 424", async () => {
    await bucketWithRules(server.url, "closed-origin", [{ sourceUrl: "http://127.0.0.1:1" }]);
    const response = await signedFetch(`${server.url}/v1/closed-origin/a.txt`);
    expect(response.status).toBe(424);
    // The same words as for an address the SSRF guard refuses: a 424 must not tell port states apart.
    expect((await response.json()).message).toContain(UNREACHABLE_MESSAGE);
  });

  it("follows up to 5 redirects, and refuses a 6th", async () => {
    const chain = (name: string, hops: number) => {
      for (let hop = 0; hop < hops; hop++) {
        const location = hop === 0 ? `/f/${name}1` : `http://${origin.host}/f/${name}${hop + 1}`;
        origin.on(`/f/${name}${hop}`, (_req, res) => res.writeHead(hop % 2 ? 301 : 302, { location }).end());
      }
      origin.serve(`/f/${name}${hops}`, `arrived after ${hops}`);
    };
    chain("five", 5);
    chain("six", 6);
    expect(await (await signedFetch(`${server.url}/v1/${BUCKET}/f/five0`)).text()).toBe("arrived after 5");
    const tooMany = await signedFetch(`${server.url}/v1/${BUCKET}/f/six0`);
    expect(tooMany.status).toBe(424);
    expect((await tooMany.json()).message).toMatch(/redirected more than 5 times/);
  });

  it("HEAD of a missing object answers 404 without going back to origin", async () => {
    const before = origin.received.length;
    expect((await signedFetch(`${server.url}/v1/${BUCKET}/f/head-only`, { method: "HEAD" })).status).toBe(404);
    expect(origin.received.length).toBe(before);
  });
});

describe("concurrency", () => {
  it("100 concurrent GETs of one missing key make one origin request, and all get identical bytes", async () => {
    const big = randomBytes(1024 * 1024);
    origin.on("/f/popular", slowly(big));
    const outcomes = await Promise.all(Array.from({ length: 100 }, () => get(`/v1/${BUCKET}/f/popular`)));
    expect(origin.requestsFor("/f/popular")).toHaveLength(1);
    expect(outcomes.filter((outcome) => same(outcome, big))).toHaveLength(100);
  });

  it("when the fetch fails, every waiter gets the error and nothing is stored", async () => {
    // The origin breaks the body only once all ten clients have their response headers, i.e. have
    // joined the one fetch (a request that arrived after the failure would rightly start another).
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    origin.on("/f/fails-for-all", (_req, res) => {
      res.writeHead(200, { "content-length": body.length });
      res.write(body.subarray(0, body.length / 2), () => void released.then(() => res.socket?.destroy()));
    });
    const responses = await Promise.all(Array.from({ length: 10 }, () => signedFetch(`${server.url}/v1/${BUCKET}/f/fails-for-all`)));
    release();
    const bodies = await Promise.all(responses.map((response) => response.arrayBuffer().then(() => "complete", () => "aborted")));
    expect(bodies).toEqual(Array(10).fill("aborted"));
    expect(origin.requestsFor("/f/fails-for-all")).toHaveLength(1);
    await expectNothingStored("f/fails-for-all");
  });

  it("a client that disconnects does not stop the fetch: the object is stored for the others", async () => {
    const big = randomBytes(512 * 1024);
    origin.on("/f/abandoned", slowly(big, 10, 50));
    const controller = new AbortController();
    const response = await signedFetch(`${server.url}/v1/${BUCKET}/f/abandoned`, { signal: controller.signal });
    const reader = response.body!.getReader();
    await reader.read();
    controller.abort();
    await settled();
    const row = await db().storedObject.findFirstOrThrow({ where: { key: "f/abandoned" } });
    expect(row.etag).toBe(md5(big).toString("hex"));
    expect(same(await get(`/v1/${BUCKET}/f/abandoned`), big)).toBe(true);
    expect(origin.requestsFor("/f/abandoned")).toHaveLength(1);
  });

  it("a Range on a missing object fetches the whole object, then serves the range", async () => {
    origin.serve("/f/ranged", body);
    const outcome = await get(`/v1/${BUCKET}/f/ranged`, { range: "bytes=100-199" });
    expect(outcome).toEqual({ status: 206, body: body.subarray(100, 200) });
    const [seen] = origin.requestsFor("/f/ranged");
    expect(seen!.headers.range).toBeUndefined();
    expect(await db().storedObject.count({ where: { key: "f/ranged" } })).toBe(1);
  });
});

describe("redirect mode", () => {
  it("answers 302 to the origin, stores the object in the background once, then serves it", async () => {
    origin.on("/r/moved.bin", slowly(body, 4, 30));
    const answers = await Promise.all(Array.from({ length: 10 }, () => signedFetch(`${server.url}/v1/redirects/r/moved.bin`, { redirect: "manual" })));
    for (const answer of answers) {
      expect(answer.status).toBe(302);
      expect(answer.headers.get("location")).toBe(`http://${origin.host}/r/moved.bin`);
    }
    await settled();
    expect(origin.requestsFor("/r/moved.bin")).toHaveLength(1);
    const hit = await signedFetch(`${server.url}/v1/redirects/r/moved.bin`, { redirect: "manual" });
    expect(hit.status).toBe(200);
    expect(Buffer.from(await hit.arrayBuffer())).toEqual(body);
    expect(hit.headers.get("etag")).toBe(`"${md5(body).toString("hex")}"`);
  });

  it("redirects every key to a fixed filename", async () => {
    origin.serve("/errors/default.png", "placeholder");
    const answer = await signedFetch(`${server.url}/v1/fixed/any/thing.png`, { redirect: "manual" });
    expect(answer.headers.get("location")).toBe(`http://${origin.host}/errors/default.png`);
    await settled();
  });
});
