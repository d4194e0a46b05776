/** kill -9 in the middle of a back-to-origin fetch, then a restart: nothing half-written survives. */
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

  // What other crash points can leave: a blob without a row, and a row without a blob.
  const bucket = await db().bucket.findUniqueOrThrow({ where: { name: "crash" } });
  await mkdir(path.join(env().dataDir, "blobs", "ab"), { recursive: true });
  await writeFile(path.join(env().dataDir, "blobs", "ab", "ab".padEnd(64, "0") + ".000000000000"), "orphan");
  await db().storedObject.create({ data: { bucketId: bucket.id, key: "ghost", size: 1n, etag: "x", storageClass: "STANDARD", blobName: "cd".padEnd(64, "0") + ".000000000000" } });

  fetching = false;
  server = await startServerProcess();
  base = server.url;
  expect(await tmpFiles()).toEqual([]);
  expect(await db().storedObject.count()).toBe(0);
  expect(await readdir(path.join(env().dataDir, "blobs", "ab"))).toEqual([]);

  const again = await signedFetch(`${base}/v1/crash/big.bin`);
  expect((await again.arrayBuffer()).byteLength).toBe(size);
  expect(origin.requestsFor("/big.bin")).toHaveLength(2);
});
