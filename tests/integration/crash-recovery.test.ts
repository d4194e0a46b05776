/**
 * kill -9 in the middle of a back-to-origin fetch, then a restart: nothing half-written survives.
 * Start-up resolves the write journal (lib/objects/write-journal.ts) instead of scanning storage.
 */
import { expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { RecordingOrigin } from "../support/recording-origin";
import { bucketWithRules } from "../support/object-server";
import { serverProcessesFor } from "../support/server-process";
import { waitFor } from "../support/wait";
import { signedFetch } from "../support/signed-fetch";
import { putBlob, storedBlobs, unfinishedWrites, usesS3BlobStore } from "../support/stored-blobs";

const origin = new RecordingOrigin();
const processes = serverProcessesFor(origin);

it("leaves no row, no stray temporary file and no orphan blob after kill -9 mid-fetch", async () => {
  // Past the S3 store's first part (5 MiB here), so there it leaves an incomplete multipart upload too.
  const size = 8 * 1024 * 1024;
  const sentFirst = 6 * 1024 * 1024;
  const serverEnv = { BLOB_S3_PART_BYTES: String(5 * 1024 * 1024) };
  let fetching = true;
  origin.on("/big.bin", (_req, res) => {
    res.writeHead(200, { "content-length": size });
    res.write(Buffer.alloc(sentFirst, 1)); // then hold the rest back until the server dies
    if (!fetching) res.end(Buffer.alloc(size - sentFirst, 1));
  });
  // On disk a temporary file; on S3 the incomplete upload and the fetch's local spool file.
  const leftByTheFetch = usesS3BlobStore() ? 2 : 1;

  let server = await processes.start(serverEnv);
  let base = server.url;
  await bucketWithRules(base, "crash", [{ sourceUrl: `http://${origin.host}` }]);
  const response = await signedFetch(`${base}/v1/crash/big.bin`);
  const reader = response.body!.getReader();
  await reader.read();
  await waitFor(async () => (await unfinishedWrites()).length === leftByTheFetch, "the unfinished write to fill");

  await server.kill();
  await reader.read().catch(() => undefined);
  expect(await unfinishedWrites()).toHaveLength(leftByTheFetch);

  // What the other crash points leave, each named in the journal: a blob made durable whose row
  // was never saved, and the old blob of a replaced object that was not removed yet.
  const bucketId = (await db().bucket.findUniqueOrThrow({ where: { name: "crash" } })).id;
  const unsaved = "ab".padEnd(64, "0") + ".000000000001";
  const current = "cd".padEnd(64, "0") + ".000000000002";
  const replaced = "cd".padEnd(64, "0") + ".000000000003";
  await putBlob(unsaved, "never saved");
  await putBlob(current, "current");
  await putBlob(replaced, "replaced");
  await db().storedObject.create({ data: { bucketId, key: "kept", size: 7n, etag: "x", storageClass: "STANDARD", blobName: current } });
  await db().pendingWrite.createMany({
    data: [
      { bucketId, key: "unsaved", blobName: unsaved },
      { bucketId, key: "kept", blobName: replaced },
    ],
  });

  fetching = false;
  server = await processes.start(serverEnv);
  base = server.url;
  expect(await unfinishedWrites()).toEqual([]);
  expect(await db().pendingWrite.count()).toBe(0);
  expect(await storedBlobs().has(unsaved)).toBe(false);
  expect(await storedBlobs().has(replaced)).toBe(false);
  expect(await storedBlobs().has(current)).toBe(true);
  expect((await db().storedObject.findMany({ select: { key: true } })).map((row) => row.key)).toEqual(["kept"]);

  const again = await signedFetch(`${base}/v1/crash/big.bin`);
  expect((await again.arrayBuffer()).byteLength).toBe(size);
  expect(origin.requestsFor("/big.bin")).toHaveLength(2);
});
