/**
 * A mirror miss releases its last byte only after the commit (the bytes made durable, then the
 * row): once a client has the whole object, a HEAD, GET or LIST that starts afterwards sees it
 * (strong read-after-write; object-path-safety.test.ts checks it with HEADs and LISTs), and a
 * commit that fails reaches the client as a broken transfer, never a complete 200. These tests
 * hold the commit at the blob store to show it. (A digest mismatch: mirror-faults.test.ts.)
 */
import { createHash, randomBytes } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import type { BlobStore, BlobWriter } from "@/lib/storage/blob-store";
import { RecordingOrigin } from "../support/recording-origin";
import { PATIENT_TIMEOUTS, bucketWithRules, startObjectServer, type TestObjectServer } from "../support/object-server";
import { signedFetch } from "../support/signed-fetch";
import { withOverrides } from "../support/with-overrides";
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

/** The answer to a GET: its status and whole body, or "broken" when the body did not arrive whole. */
async function get(key: string): Promise<{ status: number; body: Buffer } | "broken"> {
  const response = await signedFetch(`${server.url}/v1/${BUCKET}/${key}`);
  try {
    return { status: response.status, body: Buffer.from(await response.arrayBuffer()) };
  } catch {
    return "broken";
  }
}

const stored = (key: string) => db().storedObject.count({ where: { key } });

describe("the last byte waits for the commit", () => {
  it("a client does not have the whole body while the commit is held, and has it, stored, once it is done", async () => {
    origin.serve("/t/held", body, { "content-md5": Buffer.from(md5Hex, "hex").toString("base64") });
    holdCommits();
    let answered = false;
    const first = get("t/held").finally(() => (answered = true));
    await waitFor(() => waitingCommits === 1, "the commit to be held");
    expect(answered).toBe(false);
    expect(await stored("t/held")).toBe(0);
    release();
    const got = await first;
    expect(got).not.toBe("broken");
    expect(got !== "broken" && got.status === 200 && got.body.equals(body)).toBe(true);
    // Stored by the time the client had its last byte: a HEAD right after sees it.
    const head = await signedFetch(`${server.url}/v1/${BUCKET}/t/held`, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.headers.get("etag")).toBe(`"${md5Hex}"`);
    expect(origin.requestsFor("/t/held")).toHaveLength(1);
  });

  it("a commit that fails reaches the client as a broken transfer, stores nothing, and the next GET fetches again", async () => {
    origin.serve("/t/failed", body);
    holdCommits();
    const first = get("t/failed");
    await waitFor(() => waitingCommits === 1, "the commit to be held");
    failWith = Object.assign(new Error("no space left on device"), { code: "ENOSPC" });
    release();
    expect(await first).toBe("broken");
    await waitFor(() => server.engine.idle, "the failed fetch to settle");
    expect(await stored("t/failed")).toBe(0);
    expect(await unfinishedWrites()).toEqual([]);

    held = null;
    failWith = null;
    const again = await get("t/failed");
    expect(again !== "broken" && again.body.equals(body)).toBe(true);
    expect(await stored("t/failed")).toBe(1);
    expect(origin.requestsFor("/t/failed")).toHaveLength(2);
  });
});
