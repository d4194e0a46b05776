/**
 * A mirror miss releases its last byte once the body's length and MD5 are verified; the commit
 * (fsync, rename, row) follows. These tests hold the commit at the blob store to show what a
 * client sees in between: the first client has its whole body, a GET meanwhile gets the same
 * bytes from the running flight, a HEAD waits for the stored object, and a commit that fails
 * stores nothing. (A digest mismatch still breaks the response: mirror-faults.test.ts.)
 */
import { createHash, randomBytes } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { db } from "@/lib/db/client";
import type { BlobStore, BlobWriter } from "@/lib/storage/blob-store";
import { RecordingOrigin } from "../support/recording-origin";
import { PATIENT_TIMEOUTS, bucketWithRules, startObjectServer, type TestObjectServer } from "../support/object-server";
import { signedFetch } from "../support/signed-fetch";
import { unfinishedWrites } from "../support/stored-blobs";
import { waitFor } from "../support/wait";

let server: TestObjectServer;
let origin: RecordingOrigin;
const BUCKET = "tail";
/** Past the size hashed inline and more than one client batch: the worker and the window are involved. */
const body = randomBytes(3 * 1024 * 1024 + 17);
const md5Hex = createHash("md5").update(body).digest("hex");

/** Commits wait here while `held`; each waiting commit is counted, and fails if `failWith` is set at release. */
let held: Promise<void> | null = null;
let release: () => void = () => undefined;
let failWith: Error | null = null;
let waitingCommits = 0;

function holdCommits() {
  held = new Promise((resolve) => (release = resolve));
}

/** Forwards everything to `target`, except the members given in `overrides`. */
function withOverrides<T extends object>(target: T, overrides: Partial<T>): T {
  return new Proxy(target, {
    get(object, property) {
      if (property in overrides) return overrides[property as keyof T];
      const value: unknown = Reflect.get(object, property, object);
      return typeof value === "function" ? value.bind(object) : value;
    },
  });
}

function heldWriter(writer: BlobWriter): BlobWriter {
  return withOverrides(writer, {
    commit: async () => {
      if (held) {
        waitingCommits += 1;
        await held;
        waitingCommits -= 1;
        if (failWith) throw failWith;
      }
      await writer.commit();
    },
  });
}

const holdingStore = (store: BlobStore): BlobStore =>
  withOverrides(store, { createWriter: async (name, options) => heldWriter(await store.createWriter(name, options)) });

beforeAll(async () => {
  // Patient origin timeouts: a 3 MiB body must not be cut off by the fault tests' 1 s idle limit on a busy machine.
  server = await startObjectServer(undefined, {}, { wrapBlobStore: holdingStore, originTimeouts: PATIENT_TIMEOUTS });
  origin = await new RecordingOrigin().start();
  await bucketWithRules(server.url, BUCKET, [{ resource: "t*", sourceUrl: `http://${origin.host}` }]);
});
afterAll(async () => {
  release();
  await server.stop();
  await origin.stop();
});
beforeEach(() => {
  held = null;
  failWith = null;
});

async function get(key: string): Promise<{ status: number; body: Buffer }> {
  const response = await signedFetch(`${server.url}/v1/${BUCKET}/${key}`);
  return { status: response.status, body: Buffer.from(await response.arrayBuffer()) };
}

const stored = (key: string) => db().storedObject.count({ where: { key } });

describe("the last byte goes out once verified, the commit follows", () => {
  it("the client has the whole body before the commit; a GET meanwhile gets the same bytes, a HEAD waits for the stored object", async () => {
    origin.serve("/t/held", body, { "content-md5": Buffer.from(md5Hex, "hex").toString("base64") });
    holdCommits();
    const first = await get("t/held");
    expect(first.status).toBe(200);
    expect(first.body.equals(body)).toBe(true);
    await waitFor(() => waitingCommits === 1, "the commit to be held");
    expect(await stored("t/held")).toBe(0);

    const meanwhile = await get("t/held");
    expect(meanwhile.status).toBe(200);
    expect(meanwhile.body.equals(body)).toBe(true);
    expect(origin.requestsFor("/t/held")).toHaveLength(1);

    // A HEAD (which never goes back to origin) would find nothing stored yet: it waits for the commit.
    const asked = vi.spyOn(server.engine, "committing");
    let headAnswered = false;
    const head = signedFetch(`${server.url}/v1/${BUCKET}/t/held`, { method: "HEAD" }).finally(() => (headAnswered = true));
    await waitFor(() => asked.mock.calls.length === 1 || headAnswered, "the HEAD to reach the engine");
    expect(headAnswered).toBe(false);
    release();
    const headResponse = await head;
    expect(headResponse.status).toBe(200);
    expect(headResponse.headers.get("etag")).toBe(`"${md5Hex}"`);
    await waitFor(() => server.engine.idle, "the fetch to settle");
    expect(await stored("t/held")).toBe(1);
    expect(origin.requestsFor("/t/held")).toHaveLength(1);
    asked.mockRestore();
  });

  it("a commit that fails after the client had its bytes stores nothing, and the next GET fetches again", async () => {
    origin.serve("/t/failed", body);
    holdCommits();
    const first = await get("t/failed");
    expect(first.status).toBe(200);
    expect(first.body.equals(body)).toBe(true);
    await waitFor(() => waitingCommits === 1, "the commit to be held");
    failWith = Object.assign(new Error("no space left on device"), { code: "ENOSPC" });
    release();
    await waitFor(() => server.engine.idle, "the failed fetch to settle");
    expect(await stored("t/failed")).toBe(0);
    expect(await unfinishedWrites()).toEqual([]);

    held = null;
    failWith = null;
    const again = await get("t/failed");
    expect(again.body.equals(body)).toBe(true);
    await waitFor(() => server.engine.idle, "the second fetch to settle");
    expect(await stored("t/failed")).toBe(1);
    expect(origin.requestsFor("/t/failed")).toHaveLength(2);
  });
});
