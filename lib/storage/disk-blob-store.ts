/**
 * Object bytes on disk under DATA_DIR. A write goes to tmp/ (same filesystem), is fsynced, then
 * renamed into blobs/. A blob's name comes from a hash of the bucket and key plus a random version
 * suffix, never from the key: keys cannot reach outside the data directory, and replacing an
 * object writes a new file, so a row never points at half-replaced bytes. While a large write is
 * under way its data is synced in the background (writeback-sync.ts), so the fsync before the
 * rename only waits for the tail.
 */
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdir, open, readFile, readdir, rename, rm, stat, unlink, writeFile, type FileHandle } from "node:fs/promises";
import path from "node:path";
import type { Readable } from "node:stream";
import type { BlobStore, BlobWriter } from "./blob-store";
import { WritebackSync } from "./writeback-sync";

/**
 * Space held back on the data disk. On a full disk even a DELETE fails (SQLite must write its
 * journal before it can free anything), so the object service releases this file to let deletes
 * through and restores it once there is room again.
 */
export const RESERVE_BYTES = 4 * 1024 * 1024;

class DiskBlobWriter implements BlobWriter {
  private size = 0;
  private committed = false;
  private closed = false;
  private readonly writeback: WritebackSync;

  constructor(
    private readonly store: DiskBlobStore,
    private readonly tempPath: string,
    private readonly handle: FileHandle,
  ) {
    this.writeback = new WritebackSync(handle);
  }

  async append(chunks: Buffer[]): Promise<void> {
    let pending = chunks;
    let left = pending.reduce((sum, chunk) => sum + chunk.length, 0);
    while (left > 0) {
      const { bytesWritten } = await this.handle.writev(pending, this.size);
      this.size += bytesWritten;
      this.writeback.wrote(bytesWritten);
      left -= bytesWritten;
      if (left > 0) pending = [Buffer.concat(pending).subarray(bytesWritten)];
    }
  }

  async read(offset: number, length: number): Promise<Buffer> {
    const buffer = Buffer.allocUnsafe(Math.max(0, Math.min(length, this.size - offset)));
    const { bytesRead } = await this.handle.read(buffer, 0, buffer.length, offset);
    return buffer.subarray(0, bytesRead);
  }

  async commit(name: string): Promise<void> {
    await this.writeback.finish();
    const target = this.store.blobPath(name);
    await mkdir(path.dirname(target), { recursive: true });
    await rename(this.tempPath, target);
    this.committed = true;
  }

  async discard(): Promise<void> {
    if (!this.committed) await rm(this.tempPath, { force: true });
    await this.close();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.writeback.settle();
    await this.handle.close().catch(() => undefined);
  }
}

export class DiskBlobStore implements BlobStore {
  private readonly blobDir: string;
  private readonly tmpDir: string;
  private readonly reservePath: string;

  constructor(dataDir: string) {
    this.blobDir = path.join(dataDir, "blobs");
    this.tmpDir = path.join(dataDir, "tmp");
    this.reservePath = path.join(dataDir, "reserve.bin");
  }

  async init(): Promise<{ unfinished: number }> {
    await mkdir(this.blobDir, { recursive: true });
    await mkdir(this.tmpDir, { recursive: true });
    // At start no write is live: every temporary file is left over from a crash.
    const names = await readdir(this.tmpDir);
    await Promise.all(names.map((name) => rm(path.join(this.tmpDir, name), { force: true, recursive: true })));
    return { unfinished: names.length };
  }

  newBlobName(bucketId: number, key: string): string {
    const digest = createHash("sha256").update(`${bucketId}\0${key}`).digest("hex");
    return `${digest}.${randomBytes(6).toString("hex")}`;
  }

  /** Only the store and its writers know where a blob lives. */
  blobPath(name: string): string {
    return path.join(this.blobDir, name.slice(0, 2), name);
  }

  async createWriter(): Promise<BlobWriter> {
    const tempPath = path.join(this.tmpDir, randomUUID());
    return new DiskBlobWriter(this, tempPath, await open(tempPath, "wx+"));
  }

  openRange(name: string, start: number, end: number): Readable {
    return createReadStream(this.blobPath(name), { start, end, highWaterMark: Math.min(end - start + 1, 1024 * 1024) });
  }

  readAll(name: string): Promise<Buffer> {
    return readFile(this.blobPath(name));
  }

  async remove(name: string): Promise<void> {
    await unlink(this.blobPath(name)).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== "ENOENT") throw error;
    });
  }

  async listNames(prefix: string): Promise<string[]> {
    if (!/^[0-9a-f]{2,}$/.test(prefix)) throw new RangeError(`not a blob-name prefix: ${prefix}`);
    const names = await readdir(path.join(this.blobDir, prefix.slice(0, 2))).catch((error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") return [];
      throw error;
    });
    return names.filter((name) => name.startsWith(prefix));
  }

  async has(name: string): Promise<boolean> {
    return stat(this.blobPath(name)).then(
      (stats) => stats.isFile(),
      (error: NodeJS.ErrnoException) => {
        if (error.code === "ENOENT") return false;
        throw error;
      },
    );
  }

  async listUnfinished(): Promise<{ name: string; modifiedAt: Date }[]> {
    const found = await Promise.all(
      (await readdir(this.tmpDir)).map((name) =>
        stat(path.join(this.tmpDir, name)).then(
          (stats) => ({ name, modifiedAt: stats.mtime }),
          () => null, // finished meanwhile
        ),
      ),
    );
    return found.filter((temp) => temp !== null);
  }

  async removeUnfinished(name: string): Promise<void> {
    if (name !== path.basename(name)) throw new RangeError(`not a temporary file name: ${name}`);
    await rm(path.join(this.tmpDir, name), { force: true, recursive: true });
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
}
