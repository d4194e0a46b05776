/**
 * Object bytes on disk under DATA_DIR. A write goes to tmp/ (same filesystem), is fsynced, then
 * renamed into blobs/. A blob's name comes from a hash of the bucket and key plus a random version
 * suffix, never from the key: keys cannot reach outside the data directory, and replacing an
 * object writes a new file, so a row never points at half-replaced bytes.
 */
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { mkdir, open, readdir, rename, rm, unlink, writeFile, type FileHandle } from "node:fs/promises";
import path from "node:path";

export interface TempFile {
  path: string;
  handle: FileHandle;
}

/**
 * Space held back on the data disk. On a full disk even a DELETE fails (SQLite must write its
 * journal before it can free anything), so the object store releases this file to let deletes
 * through and restores it once there is room again.
 */
export const RESERVE_BYTES = 4 * 1024 * 1024;

export class BlobStore {
  readonly blobDir: string;
  readonly tmpDir: string;
  private readonly reservePath: string;

  constructor(dataDir: string) {
    this.blobDir = path.join(dataDir, "blobs");
    this.tmpDir = path.join(dataDir, "tmp");
    this.reservePath = path.join(dataDir, "reserve.bin");
  }

  /** Writes the reserve file if it is missing; false when there is no room for it (yet). */
  async ensureReserve(): Promise<boolean> {
    try {
      await writeFile(this.reservePath, Buffer.alloc(RESERVE_BYTES), { flag: "wx" });
      return true;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "EEXIST") return true;
      await rm(this.reservePath, { force: true }).catch(() => undefined);
      if (code === "ENOSPC" || code === "EDQUOT") return false;
      throw error;
    }
  }

  /** Frees the reserved space; true when there was a reserve to free. */
  async releaseReserve(): Promise<boolean> {
    try {
      await unlink(this.reservePath);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return false;
      throw error;
    }
  }

  async init(): Promise<void> {
    await mkdir(this.blobDir, { recursive: true });
    await mkdir(this.tmpDir, { recursive: true });
  }

  newBlobName(bucketId: number, key: string): string {
    const digest = createHash("sha256").update(`${bucketId}\0${key}`).digest("hex");
    return `${digest}.${randomBytes(6).toString("hex")}`;
  }

  blobPath(blobName: string): string {
    return path.join(this.blobDir, blobName.slice(0, 2), blobName);
  }

  /** A new, empty temporary file, open for reading and writing. */
  async createTemp(): Promise<TempFile> {
    const tempPath = path.join(this.tmpDir, randomUUID());
    return { path: tempPath, handle: await open(tempPath, "wx+") };
  }

  /** Makes a fully written temporary file durable and moves it to its blob name. */
  async commitTemp(temp: TempFile, blobName: string): Promise<void> {
    await temp.handle.sync();
    const target = this.blobPath(blobName);
    await mkdir(path.dirname(target), { recursive: true });
    await rename(temp.path, target);
  }

  async removeTemp(tempPath: string): Promise<void> {
    await rm(tempPath, { force: true });
  }

  async removeBlob(blobName: string): Promise<void> {
    await unlink(this.blobPath(blobName)).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== "ENOENT") throw error;
    });
  }

  /** Deletes every temporary file: at startup none can belong to a live write. */
  async clearTemps(): Promise<number> {
    const names = await readdir(this.tmpDir);
    await Promise.all(names.map((name) => rm(path.join(this.tmpDir, name), { force: true, recursive: true })));
    return names.length;
  }

  async listBlobNames(): Promise<string[]> {
    const shards = await readdir(this.blobDir);
    const lists = await Promise.all(shards.map((shard) => readdir(path.join(this.blobDir, shard))));
    return lists.flat();
  }
}
