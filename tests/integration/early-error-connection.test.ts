/**
 * After an error answered before the request body was read to the end, the keep-alive connection
 * must not hang: the next request on it is answered promptly, or the error response said
 * `Connection: close` and the server closed the connection. Raw sockets, one connection per case.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { bucketWithRules, startObjectServer, type TestObjectServer } from "../support/object-server";
import { RawConnection, signedHead, type RawResponse } from "../support/raw-http";
import { WAIT_TIMEOUT_MS } from "../support/timeouts";

/** A ceiling for "promptly": the hang this guards against lasted the 65 s keep-alive timeout. */
const PROMPTLY_MS = Math.min(WAIT_TIMEOUT_MS, 30_000);

let server: TestObjectServer;

beforeAll(async () => {
  server = await startObjectServer();
  await bucketWithRules(server.url, "conn");
});
afterAll(() => server.stop());

/** The connection after `first`: either it answers the next request, or the server said close and closed it. */
async function expectUsableOrClosed(connection: RawConnection, first: RawResponse): Promise<void> {
  if (first.headers.connection?.toLowerCase() === "close") {
    expect(await connection.closesWithin(PROMPTLY_MS)).toBe(true);
    return;
  }
  await connection.write(signedHead(server.url, "GET", "/v1/conn?mirroring"));
  const second = await connection.nextResponse(PROMPTLY_MS);
  expect(second.status).toBe(200);
}

async function onOneConnection(send: (connection: RawConnection) => Promise<void>, expected: { status: number; code: string }): Promise<void> {
  const connection = await RawConnection.open(server.url);
  try {
    await send(connection);
    const first = await connection.nextResponse(PROMPTLY_MS);
    expect({ status: first.status, code: JSON.parse(first.body).code }).toEqual(expected);
    await expectUsableOrClosed(connection, first);
  } finally {
    connection.destroy();
  }
}

it("after an oversized ?mirroring body", async () => {
  const body = Buffer.alloc(4 * 1024 * 1024, " ");
  await onOneConnection(async (connection) => {
    await connection.write(signedHead(server.url, "PUT", "/v1/conn?mirroring", { "content-length": body.length }));
    // Not awaited: the server may answer, and close, before it has taken all of it.
    connection.write(body).catch(() => undefined);
  }, { status: 400, code: "EntityTooLarge" });
  expect(await db().mirrorRule.count({ where: { bucket: { name: "conn" } } })).toBe(0);
});

it("after an unsigned PUT refused before its body was read", async () => {
  await onOneConnection(async (connection) => {
    // A large body announced, a little of it sent: the refusal comes first.
    await connection.write(`PUT /v1/conn/unsigned.bin HTTP/1.1\r\nhost: x\r\ncontent-length: ${64 * 1024 * 1024}\r\n\r\n`);
    await connection.write(Buffer.alloc(16 * 1024, "u"));
  }, { status: 403, code: "AccessDenied" });
  expect(await db().storedObject.count({ where: { key: "unsigned.bin" } })).toBe(0);
});

it("after a PUT with a malformed Content-MD5", async () => {
  await onOneConnection(async (connection) => {
    await connection.write(signedHead(server.url, "PUT", "/v1/conn/bad-md5.txt", { "content-length": 5, "content-md5": "not-an-md5" }) + "hello");
  }, { status: 400, code: "BadDigest" });
  expect(await db().storedObject.count({ where: { key: "bad-md5.txt" } })).toBe(0);
});
