/**
 * A mirror miss keeps only a small window of recent chunks in memory (mirror-fetch.ts
 * WINDOW_BYTES): a client that falls behind it reads the rest from what the fetch already wrote,
 * and still gets every byte, in order; the fetch and the clients that keep up do not wait for it.
 */
import { createHash, randomBytes } from "node:crypto";
import http from "node:http";
import { afterAll, beforeAll, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import type { BlobStore } from "@/lib/storage/blob-store";
import { RecordingOrigin } from "../support/recording-origin";
import { PATIENT_TIMEOUTS, TEST_MAX_OBJECT_SIZE, bucketWithRules, startObjectServer, type TestObjectServer } from "../support/object-server";
import { signedFetch } from "../support/signed-fetch";
import { waitFor } from "../support/wait";
import { withOverrides } from "../support/with-overrides";

let server: TestObjectServer;
let origin: RecordingOrigin;
const BUCKET = "window";
/** Bytes read back from written storage by readers of a live fetch (not from the in-memory window). */
let readBehindBytes = 0;

/** Counts what readers behind the window read from the writer; forwards everything else. */
const countingStore = (store: BlobStore): BlobStore =>
  withOverrides(store, {
    createWriter: async (name, options) => {
      const writer = await store.createWriter(name, options);
      return withOverrides(writer, {
        read: async (offset, length) => {
          const bytes = await writer.read(offset, length);
          readBehindBytes += bytes.length;
          return bytes;
        },
      });
    },
  });

beforeAll(async () => {
  server = await startObjectServer(undefined, {}, { wrapBlobStore: countingStore, originTimeouts: PATIENT_TIMEOUTS });
  origin = await new RecordingOrigin().start();
  await bucketWithRules(server.url, BUCKET, [{ resource: "w*", sourceUrl: `http://${origin.host}` }]);
  // Public-read, so that the slow client can be a plain http.get whose reading the test controls.
  const acl = await signedFetch(`${server.url}/v1/${BUCKET}?acl`, { method: "PUT", headers: { "x-bce-acl": "public-read" } });
  expect(acl.status).toBe(200);
});
afterAll(async () => {
  await server.stop();
  await origin.stop();
});

it("a client that stops reading falls behind the window, then reads the rest from storage and gets every byte", async () => {
  const body = randomBytes(TEST_MAX_OBJECT_SIZE);
  const md5 = createHash("md5").update(body).digest("hex");
  origin.serve("/w/big.bin", body);

  // The slow client: takes its first chunk, then reads nothing (its socket fills and the server stops writing to it).
  const slowChunks: Buffer[] = [];
  const slow = await new Promise<http.IncomingMessage>((resolve, reject) => {
    const request = http.get(`${server.url}/v1/${BUCKET}/w/big.bin`, (response) => {
      response.once("data", (chunk: Buffer) => {
        slowChunks.push(chunk);
        response.pause();
        resolve(response);
      });
    });
    request.on("error", reject);
  });
  expect(slow.statusCode).toBe(200);

  // Meanwhile the fetch completes, and a client that keeps up gets the whole object.
  const fast = await signedFetch(`${server.url}/v1/${BUCKET}/w/big.bin`);
  expect(createHash("md5").update(Buffer.from(await fast.arrayBuffer())).digest("hex")).toBe(md5);
  await waitFor(async () => (await db().storedObject.count({ where: { key: "w/big.bin" } })) === 1, "the object to be stored");
  expect(origin.requestsFor("/w/big.bin")).toHaveLength(1);

  // Now the slow client reads on: what left the window comes from what the fetch wrote.
  const rest = new Promise<void>((resolve, reject) => {
    slow.on("data", (chunk: Buffer) => slowChunks.push(chunk));
    slow.on("end", resolve);
    slow.on("error", reject);
  });
  slow.resume();
  await rest;
  expect(createHash("md5").update(Buffer.concat(slowChunks)).digest("hex")).toBe(md5);
  expect(readBehindBytes).toBeGreaterThan(0);
});
