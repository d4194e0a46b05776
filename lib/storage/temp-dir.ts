/**
 * The data directory's tmp/: files of writes under way. The disk store writes every blob here
 * before renaming it into place; the S3 store keeps a back-to-origin fetch's bytes here while
 * followers may still read behind it. At start no write is live, so everything here is left over.
 */
import { randomUUID } from "node:crypto";
import { mkdir, open, readdir, rm, stat, type FileHandle } from "node:fs/promises";
import path from "node:path";
import type { UnfinishedWrite } from "./blob-store";

/** A file appended to and read back by offset; not visible anywhere until its owner says so. */
export class TempFile {
  private size = 0;
  private closed = false;

  constructor(
    readonly path: string,
    private readonly handle: FileHandle,
  ) {}

  /** Appends every byte of `chunks` (retrying short writes); returns how many were written. */
  async append(chunks: Buffer[]): Promise<number> {
    let pending = chunks;
    const total = pending.reduce((sum, chunk) => sum + chunk.length, 0);
    let left = total;
    while (left > 0) {
      const { bytesWritten } = await this.handle.writev(pending, this.size);
      this.size += bytesWritten;
      left -= bytesWritten;
      if (left > 0) pending = [Buffer.concat(pending).subarray(bytesWritten)];
    }
    return total;
  }

  async read(offset: number, length: number): Promise<Buffer> {
    const buffer = Buffer.allocUnsafe(Math.max(0, Math.min(length, this.size - offset)));
    const { bytesRead } = await this.handle.read(buffer, 0, buffer.length, offset);
    return buffer.subarray(0, bytesRead);
  }

  datasync(): Promise<void> {
    return this.handle.datasync();
  }

  sync(): Promise<void> {
    return this.handle.sync();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.handle.close().catch(() => undefined);
  }

  /** Closes and deletes the file (if it was not renamed away). */
  async remove(): Promise<void> {
    await this.close();
    await rm(this.path, { force: true });
  }
}

export class TempDir {
  constructor(readonly dir: string) {}

  /** Creates the directory and empties it; returns how many leftovers it removed. */
  async init(): Promise<number> {
    await mkdir(this.dir, { recursive: true });
    const names = await readdir(this.dir);
    await Promise.all(names.map((name) => rm(path.join(this.dir, name), { force: true, recursive: true })));
    return names.length;
  }

  async create(): Promise<TempFile> {
    const file = path.join(this.dir, randomUUID());
    return new TempFile(file, await open(file, "wx+"));
  }

  async list(): Promise<UnfinishedWrite[]> {
    const found = await Promise.all(
      (await readdir(this.dir)).map((name) =>
        stat(path.join(this.dir, name)).then(
          (stats) => ({ name, modifiedAt: stats.mtime }),
          () => null, // finished meanwhile
        ),
      ),
    );
    return found.filter((temp) => temp !== null);
  }

  async remove(name: string): Promise<void> {
    if (name !== path.basename(name) || name === "." || name === "..") throw new RangeError(`not a temporary file name: ${name}`);
    await rm(path.join(this.dir, name), { force: true, recursive: true });
  }
}
