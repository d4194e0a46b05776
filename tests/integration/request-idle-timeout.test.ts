/**
 * Uploads are limited by idleness, not by total time: a PUT that keeps sending runs as long as
 * it needs (Node's default cut every request off at 5 minutes), and one that stalls for
 * REQUEST_IDLE_TIMEOUT_MS is cut off and stores nothing. Here the idle limit is 2 s: the trickling
 * client's pauses (a tenth of it) stay far from it even when a busy machine stalls the process.
 */
import { createHash } from "node:crypto";
import { afterAll, beforeAll, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { env } from "@/lib/env";
import { createHttpServer } from "@/lib/http/create-http-server";
import { bucketWithRules, startObjectServer, type TestObjectServer } from "../support/object-server";
import { RawConnection, signedHead } from "../support/raw-http";
import { WAIT_TIMEOUT_MS } from "../support/timeouts";
import { unfinishedWrites } from "../support/stored-blobs";
import { waitFor } from "../support/wait";

const IDLE_MS = 2_000;
let server: TestObjectServer;

beforeAll(async () => {
  server = await startObjectServer(undefined, {}, { requestIdleTimeoutMs: IDLE_MS });
  await bucketWithRules(server.url, "uploads");
});
afterAll(() => server.stop());

const stored = (key: string) => db().storedObject.findFirst({ where: { key, bucket: { name: "uploads" } } });
const tempFiles = unfinishedWrites;

it("has no total time limit on a request, only the idle one", () => {
  const app = createHttpServer(() => undefined);
  expect(app.requestTimeout).toBe(0);
  expect(app.headersTimeout).toBeGreaterThan(0);
  expect(app.timeout).toBe(env().requestIdleTimeoutMs);
});

it("lets an upload that keeps sending run well past the idle limit", async () => {
  const chunk = Buffer.alloc(1024, "t");
  const chunks = 25;
  const connection = await RawConnection.open(server.url);
  try {
    await connection.write(signedHead(server.url, "PUT", "/v1/uploads/trickled.bin", { "content-length": chunk.length * chunks }));
    const started = Date.now();
    for (let sent = 0; sent < chunks; sent++) {
      await connection.write(chunk);
      // Never idle for long, but far longer in total than the idle limit.
      await new Promise((resolve) => setTimeout(resolve, IDLE_MS / 10));
    }
    expect(Date.now() - started).toBeGreaterThan(2 * IDLE_MS);
    const response = await connection.nextResponse(WAIT_TIMEOUT_MS);
    expect(response.status).toBe(200);
  } finally {
    connection.destroy();
  }
  const expected = createHash("md5").update(Buffer.concat(Array.from({ length: chunks }, () => chunk))).digest("hex");
  expect(await stored("trickled.bin")).toMatchObject({ size: BigInt(chunk.length * chunks), etag: expected });
});

it("cuts off an upload that stops sending, and stores nothing", async () => {
  const connection = await RawConnection.open(server.url);
  try {
    await connection.write(signedHead(server.url, "PUT", "/v1/uploads/stalled.bin", { "content-length": 10_000 }));
    await connection.write(Buffer.alloc(1_000, "s"));
    // The server closes the connection once it has been idle for IDLE_MS.
    const stalledAt = Date.now();
    expect(await connection.closesWithin(WAIT_TIMEOUT_MS)).toBe(true);
    expect(Date.now() - stalledAt).toBeGreaterThanOrEqual(IDLE_MS - 50);
  } finally {
    connection.destroy();
  }
  expect(await stored("stalled.bin")).toBeNull();
  // The aborted upload's temporary file is removed once its handler has unwound.
  await waitFor(async () => (await tempFiles()).length === 0, "the temporary file to be removed");
});
