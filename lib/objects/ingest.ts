/**
 * The one "stream → size limit → digest → verify → commit" pipeline, used by client uploads and
 * by back-to-origin fetches alike. Chunks are counted against the size limit and hashed as they
 * arrive, and written to a BlobWriter behind the caller, batched, so the source (a client or an
 * origin) is never kept waiting per chunk; it waits only when too much is not on disk yet.
 * `finish` checks the length and MD5 the source declared; the object service then commits.
 *
 * The MD5 of a large body is computed on a worker thread (md5-worker.ts); a small one inline. When
 * the writer keeps the bytes in a local file (the disk store's temporary file, the S3 store's spool
 * behind a mirror fetch), the worker reads each written range back from the page cache, so the
 * event loop copies nothing; otherwise it copies each chunk into the worker's batches. A source that delivers chunks in batches (read-batches.ts)
 * hands each batch over with `appendBatch`: one check, one write kick and one wait per batch.
 */
import { BadDigest, EntityTooLarge, IncompleteBody } from "@/lib/domain/errors";
import type { BlobWriter } from "@/lib/storage/blob-store";
import { createMd5, type Md5Stream } from "./md5-worker";

/** Bytes received but not yet on disk before the source is made to wait. */
const MAX_UNWRITTEN_BYTES = 8 * 1024 * 1024;
/** Bytes handed to the MD5 worker but not hashed yet before the source is made to wait. */
const MAX_UNHASHED_BYTES = 8 * 1024 * 1024;
/**
 * Written bytes are handed to the MD5 worker (to read back from the file) in ranges of at least
 * this much, and the rest before the digest: one message per write (often a few 64 KiB socket
 * reads) woke the worker hundreds of times per 64 MiB, which cost more CPU than it saved.
 */
const HASH_RANGE_BYTES = 2 * 1024 * 1024;

export interface IngestOptions {
  /** The size the source declared, if any: a small body is hashed inline, a large one on a worker. */
  sizeHint?: number | null;
}

export interface IngestExpectation {
  /** The length the source declared (Content-Length), if any. */
  size: number | null;
  /** The hex MD5 the source declared (Content-MD5, or an origin's MD5 ETag), if any. */
  md5: string | null;
}

export class BlobIngest {
  /** Bytes taken from the source. */
  received = 0;
  /** Bytes on disk, readable with `read`. */
  written = 0;
  private readonly hash: Md5Stream;
  /** The worker hashes what was written, from the writer's local file (see above). */
  private readonly hashFromFile: boolean;
  /** With hashFromFile: the written bytes before this offset are handed to the worker. */
  private handedToHash = 0;
  private unwritten: Buffer[] = [];
  private unwrittenBytes = 0;
  private flushing = false;
  private writeError: Error | null = null;
  private waiters: (() => void)[] = [];
  private result: { size: number; md5: string } | null = null;

  constructor(
    readonly writer: BlobWriter,
    private readonly maxSize: number,
    /** Called after each batch reaches the disk (mirror readers wait on it). */
    private readonly onWritten: () => void = () => undefined,
    options: IngestOptions = {},
  ) {
    this.hash = createMd5({ sizeHint: options.sizeHint });
    this.hashFromFile = this.hash.updateFromFile !== undefined && writer.localFd !== null;
  }

  /** Takes one chunk. Resolves at once unless too much is waiting for the disk or the hash. */
  append(chunk: Buffer): Promise<void> {
    return this.appendBatch([chunk]);
  }

  /** Takes chunks that arrived together, in order. Resolves at once unless too much is waiting. */
  async appendBatch(chunks: readonly Buffer[]): Promise<void> {
    if (this.writeError) throw this.writeError;
    for (const chunk of chunks) {
      if (this.received + chunk.length > this.maxSize) throw new EntityTooLarge(this.maxSize);
      if (!this.hashFromFile) this.hash.update(chunk);
      this.received += chunk.length;
      this.unwritten.push(chunk);
      this.unwrittenBytes += chunk.length;
    }
    if (!this.flushing) void this.flush();
    while (this.unwrittenBytes > MAX_UNWRITTEN_BYTES && !this.writeError) await this.changed();
    if (this.writeError) throw this.writeError;
    if (this.hash.pendingBytes > MAX_UNHASHED_BYTES) await this.hash.whenPendingAtMost(MAX_UNHASHED_BYTES);
  }

  /** Waits until every byte is on disk, then checks what the source declared. */
  async finish(expected: IngestExpectation): Promise<{ size: number; md5: string }> {
    while ((this.flushing || this.unwritten.length > 0) && !this.writeError) {
      if (!this.flushing) void this.flush();
      await this.changed();
    }
    if (this.writeError) throw this.writeError;
    if (this.hashFromFile) this.handWrittenToHash();
    if (expected.size !== null && this.received !== expected.size) throw new IncompleteBody(this.received, expected.size);
    const md5 = await this.hash.digest();
    if (expected.md5 !== null && expected.md5 !== md5) throw new BadDigest(expected.md5, md5);
    this.result = { size: this.written, md5 };
    return this.result;
  }

  /** Size and MD5 of a finished, verified ingest (what a commit records). */
  get verified(): { size: number; md5: string } {
    if (!this.result) throw new Error("commit before the ingest was finished and verified");
    return this.result;
  }

  read(offset: number, length: number): Promise<Buffer> {
    return this.writer.read(offset, length);
  }

  /**
   * Drops the bytes unless committed, and releases the writer and the hash (which may be holding a
   * worker's attention). Idempotent; after a commit it only releases.
   */
  async discard(): Promise<void> {
    // The worker may still be reading the file: the descriptor is closed (and may be reused) only after.
    if (this.hashFromFile) await this.hash.whenPendingAtMost(0).catch(() => undefined);
    this.hash.abort();
    await this.writer.discard();
  }

  /** Hands the written bytes not handed over yet to the MD5 worker, which reads them from the file. */
  private handWrittenToHash(): void {
    const length = this.written - this.handedToHash;
    if (length === 0) return;
    this.hash.updateFromFile!(this.writer.localFd!, this.handedToHash, length);
    this.handedToHash = this.written;
  }

  /** Writes queued chunks until none are left; `flushing` is cleared in the same tick as the last check. */
  private async flush(): Promise<void> {
    this.flushing = true;
    try {
      while (this.unwritten.length > 0) {
        const batch = this.unwritten;
        const size = this.unwrittenBytes;
        this.unwritten = [];
        this.unwrittenBytes = 0;
        await this.writer.append(batch);
        this.written += size;
        if (this.hashFromFile && this.written - this.handedToHash >= HASH_RANGE_BYTES) this.handWrittenToHash();
        this.onWritten();
        this.wake();
      }
    } catch (error) {
      this.writeError = error as Error;
    } finally {
      this.flushing = false;
      this.wake();
    }
  }

  private changed(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
  }
}
