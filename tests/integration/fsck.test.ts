/**
 * npm run fsck: finds what start-up no longer looks for (rows without blobs, blobs without rows,
 * stale temporary files), repairs it with --repair, and leaves writes in progress alone.
 */
import { execFile } from "node:child_process";
import { mkdir, readdir, utimes, writeFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { env } from "@/lib/env";
import { startObjectServer, type TestObjectServer } from "../support/object-server";
import { signedFetch } from "../support/signed-fetch";

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
const blobPath = (name: string) => path.join(env().dataDir, "blobs", name.slice(0, 2), name);
const tmpPath = (name: string) => path.join(env().dataDir, "tmp", name);
const orphan = "ab".padEnd(64, "0") + ".000000000001";
const inFlight = "ac".padEnd(64, "0") + ".000000000002";
const ghost = "cd".padEnd(64, "0") + ".000000000003";

beforeAll(async () => {
  server = await startObjectServer();
  expect((await signedFetch(`${server.url}/v1/checked`, { method: "PUT" })).status).toBe(200);
  for (const key of ["one", "two", "dir/three"]) {
    expect((await signedFetch(`${server.url}/v1/checked/${key}`, { method: "PUT", body: key })).status).toBe(200);
  }
  const bucketId = (await db().bucket.findUniqueOrThrow({ where: { name: "checked" } })).id;
  for (const name of [orphan, inFlight]) {
    await mkdir(path.dirname(blobPath(name)), { recursive: true });
    await writeFile(blobPath(name), "bytes");
  }
  // A write between making its blob visible and saving its row: named in the journal.
  await db().pendingWrite.create({ data: { bucketId, key: "in-flight", blobName: inFlight } });
  await db().storedObject.create({ data: { bucketId, key: "ghost", size: 1n, etag: "x", storageClass: "STANDARD", blobName: ghost } });
  await writeFile(tmpPath("stale"), "left by a crash");
  const twoHoursAgo = new Date(Date.now() - 2 * 3_600_000);
  await utimes(tmpPath("stale"), twoHoursAgo, twoHoursAgo);
  await writeFile(tmpPath("live"), "being written");
});
afterAll(() => server.stop());

it("reports rows without blobs, blobs without rows and stale temporary files, and exits 1", async () => {
  const { code, output } = await fsck();
  expect(code, output).toBe(1);
  expect(count(output, "rows without a blob")).toBe(1);
  expect(count(output, "blobs without a row")).toBe(1);
  expect(count(output, "stray temporary files")).toBe(1);
  expect(count(output, "temporary files in use")).toBe(1);
  expect(count(output, "writes in progress")).toBe(1);
  expect(output).toContain(orphan);
  expect(output).toContain(ghost);
  expect(output).toMatch(/Checked 4 rows and 5 blobs/);
  // Nothing changed.
  expect(await db().storedObject.count({ where: { key: "ghost" } })).toBe(1);
  expect(await readdir(path.dirname(blobPath(orphan)))).toContain(orphan);
});

it("repairs with --repair, leaving writes in progress and the consistent objects alone", async () => {
  const repaired = await fsck("--repair");
  expect(repaired.code, repaired.output).toBe(0);
  expect(await db().storedObject.count({ where: { key: "ghost" } })).toBe(0);
  expect(await readdir(path.dirname(blobPath(orphan)))).not.toContain(orphan);
  expect(await readdir(path.dirname(blobPath(inFlight)))).toContain(inFlight);
  expect(await readdir(path.join(env().dataDir, "tmp"))).toEqual(["live"]);
  for (const key of ["one", "two", "dir/three"]) expect(await (await signedFetch(`${server.url}/v1/checked/${key}`)).text()).toBe(key);

  const again = await fsck();
  expect(again.code, again.output).toBe(0);
  for (const label of ["rows without a blob", "blobs without a row", "stray temporary files"]) expect(count(again.output, label)).toBe(0);
});
