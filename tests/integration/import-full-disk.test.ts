/**
 * A huge text/plain import list on a nearly full disk, for real: the test file's database lives on
 * a small tmpfs. The list is refused with 507 InsufficientStorage (never a bare 500, never a hang),
 * no job of it is left to run, and the server goes on: once there is room, a list is taken and
 * completes. (Here the insert's SQLITE_FULL leaves SQLite's transaction open, so Prisma's ROLLBACK
 * works; the case where SQLite ends it by itself and the client's lock leaked is
 * lib/db/sqlite-adapter.test.ts.) Mounting needs root (as CI has); elsewhere the file is skipped
 * with the reason.
 */
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { db } from "@/lib/db/client";
import { jobAction, startImportFromList, waitForJob, waitForState } from "../support/import-jobs";
import { spyOnLog } from "../support/log-spy";
import { bucketWithRules, startObjectServer, type TestObjectServer } from "../support/object-server";
import { RecordingOrigin } from "../support/recording-origin";
import { waitFor } from "../support/wait";

const MOUNT_BYTES = 16 * 1024 * 1024;
const mountDir = mkdtempSync(path.join(os.tmpdir(), "bos-mirror-import-full-"));
// What fills up here is the SQLite database file: on PostgreSQL the list goes to the server's disk.
const onPostgres = /^postgres(ql)?:/.test(process.env.DATABASE_URL ?? "");
let mountProblem: string | null = onPostgres ? "the database is on the PostgreSQL server, not on this disk" : null;
if (!onPostgres) {
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", `size=${MOUNT_BYTES}`, "tmpfs", mountDir], { stdio: "pipe" });
  } catch (error) {
    mountProblem = (error as Error).message.split("\n")[0]!;
  }
}
if (mountProblem && !onPostgres && process.env.CI) throw new Error(`CI must run the full-disk import test, but mounting a tmpfs failed: ${mountProblem}`);
if (!mountProblem) {
  // Before the app reads its settings: this file's database and data directory are on the tmpfs.
  copyFileSync(inject("templateDatabase"), path.join(mountDir, "app.db"));
  process.env.DATA_DIR = mountDir;
  process.env.DATABASE_URL = `file:${path.join(mountDir, "app.db")}`;
}

/** Fills the file system until a write fails, then frees `leaveBytes` of it. */
function fillDisk(leaveBytes: number): void {
  let count = 0;
  for (const size of [1024 * 1024, 64 * 1024, 4096, 512]) {
    try {
      for (;;) writeFileSync(path.join(mountDir, `filler-${count++}`), Buffer.alloc(size, 7));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOSPC") throw error;
    }
  }
  writeFileSync(path.join(mountDir, "filler-0"), Buffer.alloc(Math.max(0, 1024 * 1024 - leaveBytes), 7));
}
const removeFillers = () => readdirSync(mountDir).filter((name) => name.startsWith("filler-")).forEach((name) => rmSync(path.join(mountDir, name)));

/** `count` keys, produced a thousand lines at a time while the request is sent. */
function* lines(count: number): Generator<string> {
  for (let start = 0; start < count; start += 1000) {
    yield Array.from({ length: Math.min(1000, count - start) }, (_, i) => `list/${String(start + i).padStart(8, "0")}/a/longer/path/segment.jpg\n`).join("");
  }
}

describe.skipIf(mountProblem !== null)(`an import list on a nearly full disk${mountProblem ? ` (skipped: ${mountProblem})` : ""}`, () => {
  let server: TestObjectServer;
  /** Answers 404 for every key: the second job's keys each take an origin request, paced by its rate cap. */
  let origin: RecordingOrigin;

  beforeAll(async () => {
    server = await startObjectServer();
    origin = await new RecordingOrigin().start();
    await bucketWithRules(server.url, "full-list");
    await bucketWithRules(server.url, "full-list-2", [{ resource: "*", sourceUrl: `http://${origin.host}` }]);
  });
  afterAll(async () => {
    await server?.stop();
    await origin?.stop();
    removeFillers();
    execFileSync("umount", ["-l", mountDir]);
    rmSync(mountDir, { recursive: true, force: true });
  });

  it("refuses a list that does not fit with 507, leaves no job to run, and takes a list again once there is room", async () => {
    // About 1 MiB free; the list needs more than ten times that.
    fillDisk(1024 * 1024);
    const refused = await startImportFromList("full-list", lines(200_000), "concurrency=16");
    expect(refused.status).toBe(507);
    expect(refused.body).toMatchObject({ code: "InsufficientStorage" });
    // No job of it runs or shows: it was a draft, removed now or at the next start.
    expect(await db().importJob.count({ where: { draft: false } })).toBe(0);

    removeFillers();
    const taken = await startImportFromList("full-list", lines(300), "concurrency=16");
    expect(taken.status).toBe(201);
    expect(await waitForState("full-list", taken.body.id as number, "completed")).toMatchObject({ total: 300, noRule: 300 });
  });

  it("keeps every outcome while the disk is full, and completes once there is room with each key counted once", async () => {
    const warnings = spyOnLog("warn");
    const errors = spyOnLog("error");
    try {
      // Keys that need an origin request, at most 10 a second: the job is still running when the
      // disk fills. (Keys that need none are settled a claimed batch at a time, far too fast for that.)
      const created = await startImportFromList("full-list-2", lines(60), "concurrency=4&requestsPerSecond=10");
      expect(created.status).toBe(201);
      const id = created.body.id as number;
      await waitForJob("full-list-2", id, "some keys done", (job) => job.missing >= 10);
      fillDisk(0);
      const failedWrite = () => [...warnings.lines(), ...errors.lines()].some((line) => /outcomes failed|could not be written|stopped on an error/.test(line));
      await waitFor(failedWrite, "a write of the job's outcomes or claims to fail");
      removeFillers();
      // A pull that began while the disk was full failed (it could not take the key's fetch
      // lease): counted once as failed, and done again by retry-failed.
      const ended = await waitForJob("full-list-2", id, "the job to end", (job) => job.state === "completed" || job.state === "completed_with_failures");
      expect(ended.missing + ended.failed).toBe(60);
      if (ended.state === "completed_with_failures") expect((await jobAction("retry-failed", "full-list-2", id)).status).toBe(200);
      expect(await waitForState("full-list-2", id, "completed")).toMatchObject({ total: 60, missing: 60, failed: 0 });
      expect(await db().importItem.count({ where: { jobId: id, state: "missing" } })).toBe(60);
    } finally {
      warnings.restore();
      errors.restore();
      removeFillers();
    }
  });
});
