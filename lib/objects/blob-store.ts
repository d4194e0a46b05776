/**
 * Object bytes on disk under DATA_DIR. A write goes to tmp/ (same filesystem), is fsynced, then
 * renamed into blobs/. A blob's name comes from a hash of the bucket and key plus a random version
 * suffix, never from the key: keys cannot reach outside the data directory, and replacing an
 * object writes a new file, so a row never points at half-replaced bytes.
 */
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { mkdir, open, readdir, rename, rm, unlink, type FileHandle } from "node:fs/promises";
import path from "node:path";

export interface TempFile {
  path: string;
  handle: FileHandle;
}

export class BlobStore {
  readonly blobDir: string;
  readonly tmpDir: string;

  constructor(dataDir: string) {
    this.blobDir = path.join(dataDir, "blobs");
    this.tmpDir = path.join(dataDir, "tmp");
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
