/**
 * The data directory's tmp/: files of writes under way. The disk store writes every blob here
 * before renaming it into place; the S3 store keeps a back-to-origin fetch's bytes here while
 * followers may still read behind it. Several instances may share one data directory: a file's name
 * starts with the instance that writes it (`<instance>+<uuid>`), and a start removes only what
 * instances no longer alive left (and names without an owner, from before instances had ids).
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

  /** The open descriptor (BlobWriter.localFd). */
  get fd(): number {
    return this.handle.fd;
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

/** Separates the owning instance from the rest of a temporary file's name (instance ids never contain it). */
const OWNER_SEPARATOR = "+";

/** The instance a temporary file belongs to, or null for a name without one. */
function ownerOf(name: string): string | null {
  const at = name.lastIndexOf(OWNER_SEPARATOR);
  return at > 0 ? name.slice(0, at) : null;
}

export class TempDir {
  constructor(
    readonly dir: string,
    /** The instance whose files this writes (null: a tool that writes none of its own). */
    private readonly owner: string | null = null,
  ) {}

  /**
   * Creates the directory and removes what instances not in `live` left (every file, when no
   * other instance is alive); returns how many leftovers it removed.
   */
  async init(live: ReadonlySet<string> = new Set()): Promise<number> {
    await mkdir(this.dir, { recursive: true });
    const names = (await readdir(this.dir)).filter((name) => {
      const owner = ownerOf(name);
      return owner === null || !live.has(owner);
    });
    await Promise.all(names.map((name) => rm(path.join(this.dir, name), { force: true, recursive: true })));
    return names.length;
  }

  async create(): Promise<TempFile> {
    const file = path.join(this.dir, this.owner === null ? randomUUID() : `${this.owner}${OWNER_SEPARATOR}${randomUUID()}`);
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
