/**
 * Object bytes on disk under DATA_DIR. A write goes to tmp/ (same filesystem), is fsynced, then
 * renamed into blobs/{first two hex digits}/, and that directory is fsynced: only then is the new
 * name on the disk (POSIX says so; ext4 and XFS also commit it with the next fsync of any file, such
 * as the database's commit that follows, but other filesystems need the directory's own), so a
 * power loss after the database recorded the object cannot leave its row pointing at no blob.
 * Names come from blob-name.ts, never from the key. While a large write is under way its data is
 * synced in the background (writeback-sync.ts), so the fsync before the rename only waits for the tail.
 */
import { createReadStream } from "node:fs";
import { mkdir, open, readFile, readdir, rename, stat, unlink } from "node:fs/promises";
import path from "node:path";
import type { Readable, Writable } from "node:stream";
import { ResponseClosed, waitForDrain } from "@/lib/streams/writable";
import { assertBlobNamePrefix, newBlobName } from "./blob-name";
import { ReadBuffers } from "./read-buffers";
import type { BlobStore, BlobWriter, UnfinishedWrite } from "./blob-store";
import { SpaceReserve } from "./space-reserve";
import { TempDir, type TempFile } from "./temp-dir";
import { WritebackSync } from "./writeback-sync";

/** Makes the entries of directory `dir` (a name renamed or made in it) durable. */
export type SyncDirectory = (dir: string) => Promise<void>;

export const fsyncDirectory: SyncDirectory = async (dir) => {
  const handle = await open(dir, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
};

/** mkdir -p, then the entry of each directory it made made durable in its parent, outermost first. */
async function makeDirectory(dir: string, syncDirectory: SyncDirectory): Promise<void> {
  const made = await mkdir(dir, { recursive: true });
  if (made === undefined) return;
  // `made` is the outermost directory made; every one below it on the way to `dir` is new too.
  const levels = [dir];
  while (levels[0] !== made && path.dirname(levels[0]!) !== levels[0]) levels.unshift(path.dirname(levels[0]!));
  for (const level of levels) await syncDirectory(path.dirname(level));
}

class DiskBlobWriter implements BlobWriter {
  private committed = false;
  private closed = false;
  private readonly writeback: WritebackSync;

  constructor(
    readonly name: string,
    private readonly target: string,
    private readonly file: TempFile,
    private readonly syncDirectory: SyncDirectory,
  ) {
    this.writeback = new WritebackSync(file);
  }

  async append(chunks: Buffer[]): Promise<void> {
    this.writeback.wrote(await this.file.append(chunks));
  }

  get localFd(): number {
    return this.file.fd;
  }

  read(offset: number, length: number): Promise<Buffer> {
    return this.file.read(offset, length);
  }

  async commit(): Promise<void> {
    await this.writeback.finish();
    const dir = path.dirname(this.target);
    await makeDirectory(dir, this.syncDirectory);
    await rename(this.file.path, this.target);
    this.committed = true;
    // Committed either way: a failure here is the caller's (no row is recorded, and the write journal's entry removes the blob).
    await this.syncDirectory(dir);
  }

  async discard(): Promise<void> {
    await this.close();
    if (!this.committed) await this.file.remove();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.writeback.settle();
    await this.file.close();
  }
}

export class DiskBlobStore implements BlobStore {
  private readonly blobDir: string;
  private readonly readBuffers = new ReadBuffers();
  private readonly temps: TempDir;
  private readonly reserve: SpaceReserve;

  /**
   * `instanceId`: whose temporary files this store's writes are (temp-dir.ts). `syncDirectory`:
   * how a directory's entries are made durable (tests record the calls).
   */
  constructor(
    dataDir: string,
    instanceId: string | null = null,
    private readonly syncDirectory: SyncDirectory = fsyncDirectory,
  ) {
    this.blobDir = path.join(dataDir, "blobs");
    this.temps = new TempDir(path.join(dataDir, "tmp"), instanceId);
    this.reserve = new SpaceReserve(dataDir);
  }

  async init(live?: ReadonlySet<string>): Promise<{ unfinished: number }> {
    await makeDirectory(this.blobDir, this.syncDirectory);
    return { unfinished: await this.temps.init(live) };
  }

  newBlobName(bucketId: number, key: string): string {
    return newBlobName(bucketId, key);
  }

  /** Only the store and its writers know where a blob lives. */
  private blobPath(name: string): string {
    return path.join(this.blobDir, name.slice(0, 2), name);
  }

  async createWriter(name: string): Promise<BlobWriter> {
    return new DiskBlobWriter(name, this.blobPath(name), await this.temps.create(), this.syncDirectory);
  }

  openRange(name: string, start: number, end: number): Readable {
    return createReadStream(this.blobPath(name), { start, end, highWaterMark: Math.min(end - start + 1, 1024 * 1024) });
  }

  /**
   * Reads into reused buffers (read-buffers.ts), the next one while the socket drains the last;
   * each goes back once its write has completed.
   */
  async sendRange(name: string, start: number, end: number, out: Writable, ready: () => void = () => undefined): Promise<void> {
    const file = await open(this.blobPath(name), "r");
    const read = async (position: number): Promise<{ buffer: Buffer; length: number }> => {
      const buffer = this.readBuffers.take();
      try {
        const { bytesRead } = await file.read(buffer, 0, Math.min(buffer.length, end - position + 1), position);
        if (bytesRead === 0) throw new Error(`blob ${name} ends at ${position}, before byte ${end}`);
        return { buffer, length: bytesRead };
      } catch (error) {
        this.readBuffers.give(buffer);
        throw error;
      }
    };
    let next: Promise<{ buffer: Buffer; length: number }> | null = null;
    try {
      ready();
      if (start <= end) next = read(start);
      for (let position = start; position <= end; ) {
        const { buffer, length } = await next!;
        next = null;
        if (out.destroyed || out.writableEnded) {
          this.readBuffers.give(buffer);
          throw new ResponseClosed();
        }
        position += length;
        const more = out.write(buffer.subarray(0, length), () => this.readBuffers.give(buffer));
        if (position <= end) next = read(position);
        if (!more) await waitForDrain(out);
      }
    } finally {
      // A read started before `out` went away: its buffer comes back, its failure does not matter.
      if (next) await next.then(({ buffer }) => this.readBuffers.give(buffer), () => undefined);
      await file.close();
    }
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
    assertBlobNamePrefix(prefix);
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

  listUnfinished(): Promise<UnfinishedWrite[]> {
    return this.temps.list();
  }

  removeUnfinished(name: string): Promise<void> {
    return this.temps.remove(name);
  }

  ensureReserve(): Promise<boolean> {
    return this.reserve.ensure();
  }

  releaseReserve(): Promise<boolean> {
    return this.reserve.release();
  }

  async close(): Promise<void> {}
}
