/**
 * npm run fsck: finds what start-up no longer looks for (rows without blobs, blobs without rows,
 * stale temporary files), repairs it with --repair, and leaves writes in progress alone.
 */
import { execFile } from "node:child_process";
import { utimes, writeFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { env } from "@/lib/env";
import { CreateMultipartUploadCommand, UploadPartCommand } from "@aws-sdk/client-s3";
import { startObjectServer, type TestObjectServer } from "../support/object-server";
import { testS3Client } from "../support/s3-test-bucket";
import { signedFetch } from "../support/signed-fetch";
import { putBlob, storedBlobs, unfinishedWrites } from "../support/stored-blobs";

const run = promisify(execFile);
let server: TestObjectServer;

async function fsck(...args: string[]): Promise<{ code: number; output: string }> {
  try {
    const { stdout } = await run(process.execPath, ["--import", "tsx", "scripts/fsck.ts", ...args], { env: process.env });
    return { code: 0, output: stdout };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, output: failed.stdout + failed.stderr };
  }
}

const count = (output: string, label: string) => Number(output.match(new RegExp(`${label}\\s+(\\d+)`))?.[1]);
const tmpPath = (name: string) => path.join(env().dataDir, "tmp", name);
const orphan = "ab".padEnd(64, "0") + ".000000000001";
const inFlight = "ac".padEnd(64, "0") + ".000000000002";
const ghost = "cd".padEnd(64, "0") + ".000000000003";
const uploading = "ce".padEnd(64, "0") + ".000000000004";
/** On the S3 store, an upload under way is an unfinished write too (a temporary file's counterpart). */
let liveUpload: string | null = null;

beforeAll(async () => {
  server = await startObjectServer();
  expect((await signedFetch(`${server.url}/v1/checked`, { method: "PUT" })).status).toBe(200);
  for (const key of ["one", "two", "dir/three"]) {
    expect((await signedFetch(`${server.url}/v1/checked/${key}`, { method: "PUT", body: key })).status).toBe(200);
  }
  const bucketId = (await db().bucket.findUniqueOrThrow({ where: { name: "checked" } })).id;
  for (const name of [orphan, inFlight]) await putBlob(name, "bytes");
  // A write between making its blob visible and saving its row: named in the journal.
  await db().pendingWrite.create({ data: { bucketId, key: "in-flight", blobName: inFlight } });
  await db().storedObject.create({ data: { bucketId, key: "ghost", size: 1n, etag: "x", storageClass: "STANDARD", blobName: ghost } });
  await writeFile(tmpPath("stale"), "left by a crash");
  const twoHoursAgo = new Date(Date.now() - 2 * 3_600_000);
  await utimes(tmpPath("stale"), twoHoursAgo, twoHoursAgo);
  await writeFile(tmpPath("live"), "being written");
  const store = env().blobStore;
  if (store.kind === "s3") {
    const client = testS3Client(store);
    const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: store.bucket, Key: uploading }));
    await client.send(new UploadPartCommand({ Bucket: store.bucket, Key: uploading, UploadId, PartNumber: 1, Body: Buffer.from("part") }));
    client.destroy();
    liveUpload = `multipart/${uploading}/${UploadId}`;
  }
});
afterAll(() => server.stop());

it("reports rows without blobs, blobs without rows and stale temporary files, and exits 1", async () => {
  const { code, output } = await fsck();
  expect(code, output).toBe(1);
  expect(count(output, "rows without a blob")).toBe(1);
  expect(count(output, "blobs without a row")).toBe(1);
  expect(count(output, "stray temporary files")).toBe(1);
  expect(count(output, "temporary files in use")).toBe(liveUpload ? 2 : 1);
  expect(count(output, "writes in progress")).toBe(1);
  expect(output).toContain(orphan);
  expect(output).toContain(ghost);
  expect(output).toMatch(/Checked 4 rows and 5 blobs/);
  // Nothing changed.
  expect(await db().storedObject.count({ where: { key: "ghost" } })).toBe(1);
  expect(await storedBlobs().has(orphan)).toBe(true);
});

it("repairs with --repair, leaving writes in progress and the consistent objects alone", async () => {
  const repaired = await fsck("--repair");
  expect(repaired.code, repaired.output).toBe(0);
  expect(await db().storedObject.count({ where: { key: "ghost" } })).toBe(0);
  expect(await storedBlobs().has(orphan)).toBe(false);
  expect(await storedBlobs().has(inFlight)).toBe(true);
  const live = liveUpload ? ["spool/live", liveUpload] : ["live"];
  expect((await unfinishedWrites()).sort()).toEqual(live.sort());
  for (const key of ["one", "two", "dir/three"]) expect(await (await signedFetch(`${server.url}/v1/checked/${key}`)).text()).toBe(key);

  const again = await fsck();
  expect(again.code, again.output).toBe(0);
  for (const label of ["rows without a blob", "blobs without a row", "stray temporary files"]) expect(count(again.output, label)).toBe(0);
});
