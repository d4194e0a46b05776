/**
 * kill -9 in the middle of a back-to-origin fetch, then a restart: nothing half-written survives.
 * Start-up resolves the write journal (lib/objects/write-journal.ts) instead of scanning storage.
 */
import { mkdir, readdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { env } from "@/lib/env";
import { RecordingOrigin } from "../support/recording-origin";
import { bucketWithRules } from "../support/object-server";
import { startServerProcess, type ServerProcess } from "../support/server-process";
import { waitFor } from "../support/wait";
import { signedFetch } from "../support/signed-fetch";

let origin: RecordingOrigin;
let server: ServerProcess | null = null;

const tmpFiles = () => readdir(path.join(env().dataDir, "tmp"));

beforeAll(async () => {
  origin = await new RecordingOrigin().start();
});
afterAll(async () => {
  await server?.kill();
  await origin.stop();
});

const blobPath = (name: string) => path.join(env().dataDir, "blobs", name.slice(0, 2), name);

async function writeBlob(name: string, content: string): Promise<void> {
  await mkdir(path.dirname(blobPath(name)), { recursive: true });
  await writeFile(blobPath(name), content);
}

it("leaves no row, no stray temporary file and no orphan blob after kill -9 mid-fetch", async () => {
  const size = 4 * 1024 * 1024;
  let fetching = true;
  origin.on("/big.bin", (_req, res) => {
    res.writeHead(200, { "content-length": size });
    res.write(Buffer.alloc(1024 * 1024, 1)); // then hold the rest back until the server dies
    if (!fetching) res.end(Buffer.alloc(size - 1024 * 1024, 1));
  });

  server = await startServerProcess();
  let base = server.url;
  await bucketWithRules(base, "crash", [{ sourceUrl: `http://${origin.host}` }]);
  const response = await signedFetch(`${base}/v1/crash/big.bin`);
  const reader = response.body!.getReader();
  await reader.read();
  await waitFor(async () => (await tmpFiles()).length === 1, "the temporary file to fill");

  await server.kill();
  await reader.read().catch(() => undefined);
  expect(await tmpFiles()).toHaveLength(1);

  // What the other crash points leave, each named in the journal: a blob made durable whose row
  // was never saved, and the old blob of a replaced object that was not removed yet.
  const bucketId = (await db().bucket.findUniqueOrThrow({ where: { name: "crash" } })).id;
  const unsaved = "ab".padEnd(64, "0") + ".000000000001";
  const current = "cd".padEnd(64, "0") + ".000000000002";
  const replaced = "cd".padEnd(64, "0") + ".000000000003";
  await writeBlob(unsaved, "never saved");
  await writeBlob(current, "current");
  await writeBlob(replaced, "replaced");
  await db().storedObject.create({ data: { bucketId, key: "kept", size: 7n, etag: "x", storageClass: "STANDARD", blobName: current } });
  await db().pendingWrite.createMany({
    data: [
      { bucketId, key: "unsaved", blobName: unsaved },
      { bucketId, key: "kept", blobName: replaced },
    ],
  });

  fetching = false;
  server = await startServerProcess();
  base = server.url;
  expect(await tmpFiles()).toEqual([]);
  expect(await db().pendingWrite.count()).toBe(0);
  expect(await readdir(path.dirname(blobPath(unsaved)))).toEqual([]);
  expect(await readdir(path.dirname(blobPath(current)))).toEqual([current]);
  expect((await db().storedObject.findMany({ select: { key: true } })).map((row) => row.key)).toEqual(["kept"]);

  const again = await signedFetch(`${base}/v1/crash/big.bin`);
  expect((await again.arrayBuffer()).byteLength).toBe(size);
  expect(origin.requestsFor("/big.bin")).toHaveLength(2);
});
