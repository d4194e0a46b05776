/**
 * The disk store makes a committed blob's name durable: after the rename its directory is synced
 * (and a directory made for it, in its parent), before the commit returns and the database records
 * the object. The syncs are recorded by a SyncDirectory that also runs the real one.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DiskBlobStore, fsyncDirectory } from "./disk-blob-store";

let dataDir: string;
beforeEach(() => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), "disk-blob-store-"));
});
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

/** A store whose directory syncs are recorded: the directory, and whether `blob` (when named) was in place then. */
function recordingStore() {
  const syncs: { dir: string; blobInPlace: boolean | null }[] = [];
  let watching: string | null = null;
  const store = new DiskBlobStore(dataDir, "instance-1", async (dir) => {
    syncs.push({ dir: path.relative(dataDir, dir) || ".", blobInPlace: watching === null ? null : existsSync(path.join(dataDir, "blobs", watching.slice(0, 2), watching)) });
    await fsyncDirectory(dir);
  });
  return { store, syncs, watch: (name: string) => (watching = name) };
}

async function write(store: DiskBlobStore, key: string, watch: (name: string) => void): Promise<string> {
  const writer = await store.createWriter(store.newBlobName(1, key));
  watch(writer.name);
  await writer.append([Buffer.from(`bytes of ${key}`)]);
  await writer.commit();
  await writer.close();
  return writer.name;
}

describe("the disk blob store's commit", () => {
  it("syncs the blob's directory after the rename, and a directory it made in its parent", async () => {
    const { store, syncs, watch } = recordingStore();
    await store.init();
    // blobs/ was made: its entry in the data directory.
    expect(syncs).toEqual([{ dir: ".", blobInPlace: null }]);

    syncs.length = 0;
    const first = await write(store, "a", watch);
    const dir = path.join("blobs", first.slice(0, 2));
    // blobs/xx/ made for it (synced in blobs/ before the rename), then the rename synced in blobs/xx/.
    expect(syncs).toEqual([
      { dir: "blobs", blobInPlace: false },
      { dir, blobInPlace: true },
    ]);

    // Another blob in the same directory: only that directory.
    syncs.length = 0;
    let second = store.newBlobName(1, "b0");
    for (let i = 1; second.slice(0, 2) !== first.slice(0, 2); i++) second = store.newBlobName(1, `b${i}`);
    const writer = await store.createWriter(second);
    watch(second);
    await writer.append([Buffer.from("b")]);
    await writer.commit();
    await writer.close();
    expect(syncs).toEqual([{ dir, blobInPlace: true }]);
    expect(readdirSync(path.join(dataDir, dir)).sort()).toEqual([first, second].sort());
  });

  it("syncs each directory it made on the way, outermost first", async () => {
    const synced: string[] = [];
    const store = new DiskBlobStore(path.join(dataDir, "a", "b"), null, async (dir) => {
      synced.push(path.relative(dataDir, dir) || ".");
      await fsyncDirectory(dir);
    });
    await store.init();
    // a/, a/b/ and a/b/blobs/ were made: each one's entry in its parent.
    expect(synced).toEqual([".", "a", path.join("a", "b")]);
  });

  it("fails when the directory cannot be synced, with the blob in place for the caller to remove", async () => {
    const store = new DiskBlobStore(dataDir, "instance-1", async (dir) => {
      if (dir.includes(`${path.sep}blobs${path.sep}`)) throw Object.assign(new Error("EIO: i/o error, fsync"), { code: "EIO" });
      await fsyncDirectory(dir);
    });
    await store.init();
    const writer = await store.createWriter(store.newBlobName(1, "k"));
    await writer.append([Buffer.from("k")]);
    await expect(writer.commit()).rejects.toMatchObject({ code: "EIO" });
    // The object service removes it (no row points at it); the temporary file is gone either way.
    expect(await store.has(writer.name)).toBe(true);
    await writer.discard();
    expect(await store.listUnfinished()).toEqual([]);
    await store.remove(writer.name);
    expect(await store.has(writer.name)).toBe(false);
  });
});
