import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { open } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { WritebackSync, type Syncable } from "./writeback-sync";

/** A file whose syncs are recorded and finish when the test says. */
function fakeFile() {
  const calls: string[] = [];
  const pending: { resolve: () => void; reject: (error: Error) => void }[] = [];
  const file: Syncable = {
    datasync: () => {
      calls.push("datasync");
      return new Promise((resolve, reject) => pending.push({ resolve, reject }));
    },
    sync: () => {
      calls.push("sync");
      return Promise.resolve();
    },
  };
  return { file, calls, pending };
}

describe("WritebackSync", () => {
  it("starts a background datasync every `everyBytes`, one at a time", () => {
    const { file, calls, pending } = fakeFile();
    const sync = new WritebackSync(file, { everyBytes: 100 });
    sync.wrote(60);
    expect(calls).toEqual([]);
    sync.wrote(60);
    expect(calls).toEqual(["datasync"]);
    sync.wrote(500); // one is running: no second one
    expect(calls).toEqual(["datasync"]);
    expect(pending).toHaveLength(1);
  });

  it("finishes with a full fsync after the running datasync", async () => {
    const { file, calls, pending } = fakeFile();
    const sync = new WritebackSync(file, { everyBytes: 10 });
    sync.wrote(10);
    let finished = false;
    const finishing = sync.finish().then(() => (finished = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(finished).toBe(false);
    pending[0]!.resolve();
    await finishing;
    expect(calls).toEqual(["datasync", "sync"]);
  });

  it("fsyncs at the end even when no datasync ran", async () => {
    const { file, calls } = fakeFile();
    await new WritebackSync(file).finish();
    expect(calls).toEqual(["sync"]);
  });

  it("fails finish() when a background datasync failed, and starts no more", async () => {
    const { file, calls, pending } = fakeFile();
    const sync = new WritebackSync(file, { everyBytes: 10 });
    sync.wrote(10);
    pending[0]!.reject(Object.assign(new Error("I/O error"), { code: "EIO" }));
    await sync.settle();
    sync.wrote(100);
    await expect(sync.finish()).rejects.toThrow("I/O error");
    expect(calls).toEqual(["datasync"]);
  });

  it("works on a real file handle: the bytes are all there after finish()", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "writeback-sync-"));
    try {
      const file = path.join(dir, "blob");
      const handle = await open(file, "wx+");
      const sync = new WritebackSync(handle, { everyBytes: 64 * 1024 });
      const chunk = Buffer.alloc(48 * 1024, 7);
      for (let i = 0; i < 20; i++) {
        await handle.write(chunk, 0, chunk.length, i * chunk.length);
        sync.wrote(chunk.length);
      }
      await sync.finish();
      await handle.close();
      expect(sync.started).toBeGreaterThan(0);
      expect(readFileSync(file).length).toBe(20 * chunk.length);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
