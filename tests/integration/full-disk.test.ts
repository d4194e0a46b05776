/**
 * A full data disk, for real: the server runs on a small tmpfs holding its database and blobs
 * (with the S3 blob store: its database, the back-to-origin spool files and the space reserve;
 * with PostgreSQL the database is on its server, not on this disk).
 * Writes answer 507 InsufficientStorage (never a bare 500), a failed write leaves no file behind,
 * DELETE still works and frees space, and a restart on a full disk succeeds and cleans up.
 * Mounting needs root (as CI has); elsewhere the file is skipped with the reason.
 */
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import type { ServerResponse } from "node:http";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { RecordingOrigin } from "../support/recording-origin";
import { startServerProcess, type ServerProcess } from "../support/server-process";
import { signedFetch } from "../support/signed-fetch";
import { createPrismaClient } from "@/lib/db/create-client";
import { env, type DatabaseConfig } from "@/lib/env";
import { capTestBucket } from "../support/s3-test-bucket";
import { storedBlobs, usesS3BlobStore } from "../support/stored-blobs";
import { waitFor } from "../support/wait";
import { BLOB_NAME_PREFIXES } from "@/lib/objects/consistency-check";

const MOUNT_BYTES = 24 * 1024 * 1024;

function tryMount(dir: string): string | null {
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", `size=${MOUNT_BYTES}`, "tmpfs", dir], { stdio: "pipe" });
    return null;
  } catch (error) {
    return (error as Error).message.split("\n")[0]!;
  }
}

const mountDir = mkdtempSync(path.join(os.tmpdir(), "bos-mirror-full-"));
const mountProblem = tryMount(mountDir);
if (mountProblem && process.env.CI) throw new Error(`CI must run the full-disk test, but mounting a tmpfs failed: ${mountProblem}`);

/** Fills the file system until a write fails; returns how many filler files it wrote. */
function fillDisk(): number {
  let count = 0;
  for (const size of [1024 * 1024, 64 * 1024, 4096, 512]) {
    try {
      for (;;) writeFileSync(path.join(mountDir, `filler-${count++}`), Buffer.alloc(size, 7));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOSPC") throw error;
    }
  }
  return count;
}

const removeFillers = () => readdirSync(mountDir).filter((name) => name.startsWith("filler-")).forEach((name) => rmSync(path.join(mountDir, name)));
const blobFiles = async () => (await Promise.all(BLOB_NAME_PREFIXES.map((prefix) => storedBlobs(mountDir).listNames(prefix)))).flat();
const tempFiles = () => readdirSync(path.join(mountDir, "tmp"));
/** SQLite: a database file on the full disk. PostgreSQL: the test file's database, on its server. */
const database: DatabaseConfig =
  env().database.provider === "sqlite" ? { provider: "sqlite", url: `file:${path.join(mountDir, "app.db")}`, file: path.join(mountDir, "app.db") } : env().database;
const databaseOnThisDisk = database.provider === "sqlite";
async function rowCount(): Promise<number> {
  const db = createPrismaClient(database);
  try {
    return await db.storedObject.count();
  } finally {
    await db.$disconnect();
  }
}

describe.skipIf(mountProblem !== null)(`a full disk${mountProblem ? ` (skipped: ${mountProblem})` : ""}`, () => {
  let server: ServerProcess;
  let origin: RecordingOrigin;
  const start = async () => {
    server = await startServerProcess({ DATA_DIR: mountDir, DATABASE_URL: database.url });
    return server.url;
  };

  beforeAll(async () => {
    if (database.provider === "sqlite") copyFileSync(inject("templateDatabase"), database.file);
    origin = await new RecordingOrigin().start();
    const base = await start();
    expect((await signedFetch(`${base}/v1/full`, { method: "PUT" })).status).toBe(200);
    const rules = { bucketMirroringConfiguration: [{ sourceUrl: `http://${origin.host}`, resource: "mirror*" }] };
    const put = await signedFetch(`${base}/v1/full?mirroring`, { method: "PUT", body: JSON.stringify(rules) });
    expect(put.status, await put.text()).toBe(200);
  });

  afterAll(async () => {
    await server?.kill();
    await origin?.stop();
    execFileSync("umount", ["-l", mountDir]);
    rmSync(mountDir, { recursive: true, force: true });
  });

  it("answers 507 InsufficientStorage when an upload does not fit, and leaves no file behind", async () => {
    // With the S3 store uploads do not land on this disk: the store itself fills up (a bucket quota).
    const store = env().blobStore;
    if (store.kind === "s3") await capTestBucket(store.bucket, 12 * 1024 * 1024);
    const chunk = Buffer.alloc(1024 * 1024, 1);
    let refused: Response | null = null;
    for (let i = 0; i < 40 && !refused; i++) {
      const response = await signedFetch(`${server.url}/v1/full/up-${i}`, { method: "PUT", body: chunk });
      if (response.status !== 200) refused = response;
    }
    expect(refused, "the disk never filled up").not.toBeNull();
    expect(refused!.status).toBe(507);
    expect(await refused!.json()).toMatchObject({ code: "InsufficientStorage" });
    expect(tempFiles()).toEqual([]);
    expect(await blobFiles()).toHaveLength(await rowCount());
    if (store.kind === "s3") await capTestBucket(store.bucket, null);
  });

  // A database on another server does not fill up with this disk: nothing stops these commits here.
  it.skipIf(!databaseOnThisDisk)("gives a mirror whose commit fails as a broken transfer, never a complete 200, and leaves nothing", async () => {
    // The origin holds back the last bytes until the disk is full: the body then fits in the
    // temporary file's last page, but the database cannot record the object.
    for (const key of ["up-1", "up-2", "up-3"]) await signedFetch(`${server.url}/v1/full/${key}`, { method: "DELETE" });
    const total = 1024 * 1024 - 100;
    const body = Buffer.alloc(total, 5);
    let held: ServerResponse | null = null;
    origin.on("/mirror/held.bin", (_req, res) => {
      res.writeHead(200, { "content-length": total });
      res.write(body.subarray(0, total - 10));
      held = res;
    });
    const response = await signedFetch(`${server.url}/v1/full/mirror/held.bin`);
    const received = response.arrayBuffer().then(
      (bytes) => bytes.byteLength,
      () => "broken",
    );
    await waitFor(() => tempFiles().length === 1 && statSync(path.join(mountDir, "tmp", tempFiles()[0]!)).size === total - 10, "the body to reach the disk");
    fillDisk();
    held!.end(body.subarray(total - 10));
    expect(await received).toBe("broken");
    await waitFor(() => tempFiles().length === 0, "the temporary file to go");
    expect((await signedFetch(`${server.url}/v1/full/mirror/held.bin`, { method: "HEAD" })).status).toBe(404);
    expect(await blobFiles()).toHaveLength(await rowCount());
    removeFillers();
  });

  it.skipIf(!databaseOnThisDisk)("refuses a new bucket on a full disk with 507, and creates nothing", async () => {
    fillDisk();
    const created = await signedFetch(`${server.url}/v1/no-room-bucket`, { method: "PUT" });
    expect(created.status).toBe(507);
    expect((await signedFetch(`${server.url}/v1/no-room-bucket`, { method: "HEAD" })).status).toBe(404);
    removeFillers();
  });

  it("still deletes on a completely full disk, which frees space for new writes", async () => {
    fillDisk();
    const rowsBefore = await rowCount();
    expect(rowsBefore).toBeGreaterThan(1);
    const deleted = await signedFetch(`${server.url}/v1/full/up-0`, { method: "DELETE" });
    expect(deleted.status).toBe(204);
    expect(await rowCount()).toBe(rowsBefore - 1);
    expect(await blobFiles()).toHaveLength(rowsBefore - 1);
    // With the S3 store the deleted bytes were not on this disk: only clearing it makes room here.
    if (usesS3BlobStore()) removeFillers();
    const small = await signedFetch(`${server.url}/v1/full/after-delete`, { method: "PUT", body: "fits now" });
    expect(small.status).toBe(200);
  });

  it("starts on a full disk and cleans up what a crash left", async () => {
    await server.kill();
    // A crash mid-upload leaves a temporary file; then the disk fills up completely.
    writeFileSync(path.join(mountDir, "tmp", "left-by-a-crash"), Buffer.alloc(256 * 1024));
    fillDisk();
    const base = await start();
    expect(tempFiles()).toEqual([]);
    const read = await signedFetch(`${base}/v1/full/after-delete`);
    expect(await read.text()).toBe("fits now");
    removeFillers();
  });
});
