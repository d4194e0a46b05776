/**
 * Where object bytes live. The object service is the only user; nothing outside lib/storage sees
 * a file path, a file handle, a temporary directory or a store's own API. A blob is written once
 * through a BlobWriter, becomes visible under its name only when committed, and is never modified
 * afterwards (replacing an object writes a new blob), so a name always stands for the same bytes.
 * Implementations: `DiskBlobStore` (files under DATA_DIR) and `S3BlobStore` (an S3-compatible
 * bucket, such as Ceph's radosgw).
 */
import type { Readable, Writable } from "node:stream";

export interface BlobWriter {
  /** The name the blob is visible under once committed (chosen when the write began). */
  readonly name: string;
  /** Appends `chunks` after everything written so far. */
  append(chunks: Buffer[]): Promise<void>;
  /**
   * Up to `length` bytes from `offset` of what was appended (readers that fell behind a live
   * write). Only for writers created with `readBehind`.
   */
  read(offset: number, length: number): Promise<Buffer>;
  /**
   * The descriptor of a local file holding every byte appended so far at the same offsets, or null
   * when the store keeps none. Another thread of this process may read what `append` has resolved
   * (the MD5 worker hashes a large body from the page cache instead of a copy made on the event
   * loop); valid until `close` or `discard`. The only file handle that leaves the storage layer.
   */
  readonly localFd: number | null;
  /** Makes the bytes durable and visible as blob `name`. `read` keeps working until `close`. */
  commit(): Promise<void>;
  /** Drops the bytes if they were not committed (idempotent), and releases the writer. */
  discard(): Promise<void>;
  /** Releases the writer once no reader needs `read` any more. */
  close(): Promise<void>;
}

export interface WriterOptions {
  /** The size the source declared, if any (a store may pick its upload method by it). */
  sizeHint?: number | null;
  /** Readers will call `read` while the write is under way (a back-to-origin fetch's followers). */
  readBehind?: boolean;
}

/** An unfinished write: a temporary file, or an upload the store has not completed. */
export interface UnfinishedWrite {
  name: string;
  modifiedAt: Date;
}

export interface BlobStore {
  /**
   * Creates what the store needs, and removes what unfinished writes left: those of instances not
   * in `live` (every instance alive now, this one included; all of them when it is absent). What a
   * store cannot tell the owner of (an S3 store's incomplete uploads) goes only when no other
   * instance is alive.
   */
  init(live?: ReadonlySet<string>): Promise<{ unfinished: number }>;
  /** A fresh, unique name for a new version of bucket `bucketId`'s key `key`. */
  newBlobName(bucketId: number, key: string): string;
  /** Starts writing blob `name` (from newBlobName); it is not visible before the commit. */
  createWriter(name: string, options?: WriterOptions): Promise<BlobWriter>;
  /** Bytes `start` to `end` (inclusive) of a committed blob. */
  openRange(name: string, start: number, end: number): Readable;
  /**
   * Writes bytes `start` to `end` (inclusive) of a committed blob to `out`, with its backpressure,
   * and resolves once `out` has taken the last of them (the caller ends it). Rejects with
   * ResponseClosed (lib/streams/writable.ts) when `out` goes away first, and with the store's error
   * when the blob cannot be read (or ends early); `out` is then left for the caller to destroy, so
   * the client sees a broken transfer, never a short complete one.
   * Serving a client this way lets the store reuse its read buffers. `ready` is called once the
   * blob is open, before anything is written: a failure before it (no such blob) leaves `out`
   * untouched, so the caller can still answer with an error instead of a broken transfer.
   */
  sendRange(name: string, start: number, end: number, out: Writable, ready?: () => void): Promise<void>;
  /** A whole (small) committed blob. */
  readAll(name: string): Promise<Buffer>;
  /** Removes a committed blob; a missing one is not an error. */
  remove(name: string): Promise<void>;
  /**
   * Committed blob names that begin with `prefix` (two or more hex digits: names are hex, and a
   * store lists one such prefix cheaply). The consistency check walks all 256 two-digit prefixes.
   */
  listNames(prefix: string): Promise<string[]>;
  has(name: string): Promise<boolean>;
  /** Writes not committed yet (or left by a crash), with their last write. */
  listUnfinished(): Promise<UnfinishedWrite[]>;
  removeUnfinished(name: string): Promise<void>;
  /** Space held back on the local data disk so that deletes still work when it is full (space-reserve.ts). */
  ensureReserve(): Promise<boolean>;
  releaseReserve(): Promise<boolean>;
  /** Releases connections (the app is closing). */
  close(): Promise<void>;
}
