/**
 * A hit of a cached small object is answered without a single promise beneath the dispatchers
 * (lib/maybe-promise.ts): with Next's AsyncLocalStorage in the process, every promise costs async
 * hooks, and the 22 a 4 KiB hit used to make were ~15% of its CPU (bench/profile-hit.ts). The
 * client here is node:http with callbacks, which makes no promises either; a promise counts when
 * its creation stack runs through the BOS or S3 dispatcher, so background timers do not.
 */
import { createHook } from "node:async_hooks";
import { randomBytes } from "node:crypto";
import { Agent, request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signRequest } from "@/lib/auth/bce-signature";
import { env } from "@/lib/env";
import { presignUrl, signRequest as signS3 } from "@/lib/s3/auth/sign";
import { startObjectServer, type TestObjectServer } from "../support/object-server";
import { TEST_CREDENTIALS, signedFetch } from "../support/signed-fetch";

let server: TestObjectServer;
const body = randomBytes(4096);
const agent = new Agent({ keepAlive: true, maxSockets: 1 });

beforeAll(async () => {
  server = await startObjectServer();
  expect((await signedFetch(`${server.url}/v1/hits`, { method: "PUT" })).status).toBe(200);
  expect((await signedFetch(`${server.url}/v1/hits?acl`, { method: "PUT", headers: { "x-bce-acl": "public-read" } })).status).toBe(200);
  expect((await signedFetch(`${server.url}/v1/hits/small.bin`, { method: "PUT", body })).status).toBe(200);
});
afterAll(async () => {
  agent.destroy();
  await server.stop();
});

interface Answer {
  status: number;
  bytes: Buffer;
}

/** `count` requests one after another, by callbacks only; resolves once, after the last. */
function requests(count: number, path: () => string, headers: () => Record<string, string> = () => ({}), method = "GET"): Promise<Answer[]> {
  return new Promise((resolve, reject) => {
    const answers: Answer[] = [];
    const next = () => {
      if (answers.length === count) return resolve(answers);
      const req = request(`${server.url}${path()}`, { method, agent, headers: headers() }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => {
          answers.push({ status: res.statusCode ?? 0, bytes: Buffer.concat(chunks) });
          next();
        });
      });
      req.on("error", reject);
      req.end();
    };
    next();
  });
}

/**
 * Promises created beneath either dispatcher while `work` runs; the fewest of up to five runs. A
 * lookup the caches cannot answer is asynchronous, as it must be, and the change log's poll
 * (lib/fleet/cache-sync.ts) may drop the bucket's cached record once after the setup's writes, so
 * one run can see a reload. Before lib/maybe-promise.ts every hit made 22 promises, so every run
 * counted dozens.
 */
async function promisesBeneathDispatchers(work: () => Promise<unknown>): Promise<number> {
  let fewest = Infinity;
  for (let run = 0; run < 5 && fewest > 0; run += 1) fewest = Math.min(fewest, await countPromises(work));
  return fewest;
}

async function countPromises(work: () => Promise<unknown>): Promise<number> {
  let count = 0;
  const hook = createHook({
    init(_id, type) {
      if (type !== "PROMISE") return;
      const limit = Error.stackTraceLimit;
      Error.stackTraceLimit = 64;
      const stack = new Error().stack ?? "";
      Error.stackTraceLimit = limit;
      if (stack.includes("object-api.ts") || stack.includes("s3-api.ts")) count += 1;
    },
  });
  hook.enable();
  try {
    await work();
  } finally {
    hook.disable();
  }
  return count;
}

const host = () => new URL(server.url).host;
const rounds = 20;

/** Headers that sign a request of `method` (with `extra` among them, and signed too). */
type Signer = (method: string, extra?: Record<string, string>) => () => Record<string, string>;

/** Two GETs fill the caches; then `rounds` counted GETs each answer 200 with the object, and no promise is made. */
async function expectHitsWithoutPromises(path: () => string, headers?: () => Record<string, string>): Promise<void> {
  await requests(2, path, headers);
  let answers: Answer[] = [];
  const promises = await promisesBeneathDispatchers(async () => {
    answers = await requests(rounds, path, headers);
  });
  expect(answers.map((a) => a.status)).toEqual(Array(rounds).fill(200));
  expect(answers.every((a) => a.bytes.equals(body))).toBe(true);
  expect(promises).toBe(0);
}

/** As expectHitsWithoutPromises, for signed GETs, GETs of bytes `first`-`last` (206) and HEADs, all counted together. */
async function expectGetRangeHeadWithoutPromises(path: string, signed: Signer, [first, last]: [number, number]): Promise<void> {
  await requests(2, () => path, signed("GET"));
  let gets: Answer[] = [];
  let ranges: Answer[] = [];
  let heads: Answer[] = [];
  const promises = await promisesBeneathDispatchers(async () => {
    gets = await requests(rounds, () => path, signed("GET"));
    ranges = await requests(rounds, () => path, signed("GET", { range: `bytes=${first}-${last}` }));
    heads = await requests(rounds, () => path, signed("HEAD"), "HEAD");
  });
  expect(gets.every((a) => a.status === 200 && a.bytes.equals(body))).toBe(true);
  expect(ranges.every((a) => a.status === 206 && a.bytes.equals(body.subarray(first, last + 1)))).toBe(true);
  expect(heads.every((a) => a.status === 200 && a.bytes.length === 0)).toBe(true);
  expect(promises).toBe(0);
}

describe("a hit of a cached small object makes no promise", () => {
  it("anonymous BOS GET of a public-read object", async () => {
    await expectHitsWithoutPromises(() => "/v1/hits/small.bin");
  });

  it("signed BOS GET, a range and a HEAD", async () => {
    const rawPath = "/v1/hits/small.bin";
    const signed: Signer = (method, extra = {}) => () => ({
      ...extra,
      authorization: signRequest(TEST_CREDENTIALS, { method, rawPath, query: [], headers: { host: host() } }),
    });
    await expectGetRangeHeadWithoutPromises(rawPath, signed, [100, 199]);
  });

  it("BOS GET by a presigned URL (the signature in the query)", async () => {
    const rawPath = "/v1/hits/small.bin";
    await expectHitsWithoutPromises(() => `${rawPath}?authorization=${encodeURIComponent(signRequest(TEST_CREDENTIALS, { method: "GET", rawPath, query: [], headers: { host: host() } }, { signedHeaders: ["host"] }))}`);
  });

  it("S3 GET, range and HEAD signed in the Authorization header", async () => {
    const signed: Signer = (method, extra = {}) => () =>
      signS3({ method, rawPath: "/hits/small.bin", headers: { host: host(), ...extra } }, TEST_CREDENTIALS, { region: env().s3Region }).headers;
    await expectGetRangeHeadWithoutPromises("/hits/small.bin", signed, [0, 99]);
  });

  it("S3 GET by a presigned URL", async () => {
    await expectHitsWithoutPromises(() => presignUrl({ method: "GET", rawPath: "/hits/small.bin", headers: { host: host() } }, TEST_CREDENTIALS, { region: env().s3Region, expiresSeconds: 600 }));
  });

  it("still answers errors thrown at once, and a miss goes on asynchronously", async () => {
    const missing = await requests(1, () => "/v1/hits/none.bin", () => ({
      authorization: signRequest(TEST_CREDENTIALS, { method: "GET", rawPath: "/v1/hits/none.bin", query: [], headers: { host: host() } }),
    }));
    expect(missing[0]!.status).toBe(404);
    expect(JSON.parse(missing[0]!.bytes.toString())).toMatchObject({ code: "NoSuchKey" });
    const badKey = await requests(1, () => "/v1/hits/a%00b");
    expect(badKey[0]!.status).toBeGreaterThanOrEqual(400);
    const denied = await requests(1, () => "/v1/nosuchbucket/x");
    expect(denied[0]!.status).toBe(403);
  });
});
