/**
 * Where object bytes live. The object service is the only user; nothing outside lib/storage sees
 * a file path, a file handle or a temporary directory. A blob is written once through a
 * BlobWriter, becomes visible under a name only when committed, and is never modified afterwards
 * (replacing an object writes a new blob), so a name always stands for the same bytes.
 * `DiskBlobStore` is the first implementation; an S3-compatible one can follow.
 */
import type { Readable } from "node:stream";

export interface BlobWriter {
  /** Appends `chunks` after everything written so far. */
  append(chunks: Buffer[]): Promise<void>;
  /** Up to `length` bytes from `offset` of what was appended (readers that fell behind a live write). */
  read(offset: number, length: number): Promise<Buffer>;
  /** Makes the bytes durable and visible as blob `name`. `read` keeps working until `close`. */
  commit(name: string): Promise<void>;
  /** Drops the bytes if they were not committed (idempotent), and releases the writer. */
  discard(): Promise<void>;
  /** Releases the writer once no reader needs `read` any more. */
  close(): Promise<void>;
}

export interface BlobStore {
  /** Creates what the store needs, and removes what unfinished writes left (none is live at start). */
  init(): Promise<{ unfinished: number }>;
  /** A fresh, unique name for a new version of bucket `bucketId`'s key `key`. */
  newBlobName(bucketId: number, key: string): string;
  createWriter(): Promise<BlobWriter>;
  /** Bytes `start` to `end` (inclusive) of a committed blob. */
  openRange(name: string, start: number, end: number): Readable;
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
  /** Temporary files of writes not committed yet (or left by a crash), with their last write. */
  listUnfinished(): Promise<{ name: string; modifiedAt: Date }[]>;
  removeUnfinished(name: string): Promise<void>;
  /** Space held back so that deletes still work on a full disk (see DiskBlobStore). */
  ensureReserve(): Promise<boolean>;
  releaseReserve(): Promise<boolean>;
}
