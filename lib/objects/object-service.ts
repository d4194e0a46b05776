/**
 * Objects: the one owner of put, get, head, delete, list and the back-to-origin commit, over a
 * metadata repository and a BlobStore. No HTTP here: protocols (BOS today, S3 next) are thin
 * layers over this service.
 *
 * Crash safety: a commit makes the blob durable under a new name, then saves the row, then removes
 * the blob it replaced, so at any crash point no row points at a missing or partial blob
 * (`reconcile` removes what a crash leaves behind).
 */
import type { Readable } from "node:stream";
import { EntityTooLarge } from "@/lib/domain/errors";
import type { BlobStore } from "@/lib/storage/blob-store";
import { isStorageFull } from "@/lib/storage/storage-full";
import { BlobIngest, type IngestExpectation } from "./ingest";
import type { LruCache } from "./lru";
import { MissWatches, type MissWatch } from "./miss-watch";
import type { ObjectRecord } from "./object-meta";
import type { ListOptions, ListPage, ObjectRepository } from "./object-repository";

/** Objects up to this size are kept in memory after their first read. */
export const SMALL_OBJECT_BYTES = 256 * 1024;

/** What a writer says about a new object; size and ETag come from the bytes. */
export interface ObjectAttributes {
  bucketId: number;
  key: string;
  storageClass: string;
  httpMeta: Record<string, string>;
  userMeta: Record<string, string>;
  /** Where a mirrored object came from; null for uploads. */
  sourceUrl: string | null;
}

export interface ObjectServiceDeps {
  repository: ObjectRepository;
  blobs: BlobStore;
  /** Blob name to bytes, for small objects (blob names never change content, so never stale). */
  contentCache: LruCache<string, Buffer>;
  maxObjectSize: number;
}

export class ObjectService {
  private readonly misses = new MissWatches();

  constructor(private readonly deps: ObjectServiceDeps) {}

  get maxObjectSize(): number {
    return this.deps.maxObjectSize;
  }

  find(bucketId: number, key: string): Promise<ObjectRecord | null> {
    return this.deps.repository.find(bucketId, key);
  }

  /** Bytes `start` to `end` (inclusive): from memory for small objects, else streamed. */
  async read(object: ObjectRecord, start: number, end: number): Promise<Buffer | Readable> {
    if (object.size > SMALL_OBJECT_BYTES) return this.deps.blobs.openRange(object.blobName, start, end);
    let bytes = this.deps.contentCache.get(object.blobName);
    if (!bytes) {
      bytes = await this.deps.blobs.readAll(object.blobName);
      this.deps.contentCache.set(object.blobName, bytes);
    }
    return start === 0 && end === bytes.length - 1 ? bytes : bytes.subarray(start, end + 1);
  }

  /** A whole object as a stream (bucket origins read each other this way). */
  openStream(object: ObjectRecord): Readable {
    return this.deps.blobs.openRange(object.blobName, 0, Math.max(0, object.size - 1));
  }

  /** A new object's bytes on their way in; the caller finishes, then commits or discards it. */
  async beginIngest(onWritten?: () => void): Promise<BlobIngest> {
    return new BlobIngest(await this.deps.blobs.createWriter(), this.deps.maxObjectSize, onWritten);
  }

  /** A client upload: the whole pipeline, then a commit that replaces any previous version. */
  async put(attributes: ObjectAttributes, body: AsyncIterable<Buffer>, expected: IngestExpectation): Promise<ObjectRecord> {
    if (expected.size !== null && expected.size > this.deps.maxObjectSize) throw new EntityTooLarge(this.deps.maxObjectSize);
    const ingest = await this.beginIngest();
    try {
      for await (const chunk of body) await ingest.append(chunk);
      await ingest.finish(expected);
      return (await this.commit(ingest, attributes))!;
    } finally {
      await ingest.writer.discard();
    }
  }

  /** Registers a miss of `key`: any client write or delete of it from now on wins over the fetch. */
  watchMiss(bucketId: number, key: string): MissWatch {
    return this.misses.watch(bucketId, key);
  }

  /**
   * Stores a finished ingest as object `key`. Without `miss`, replaces any previous version. With
   * `miss` (a back-to-origin commit) it stores only if the key is still absent and no client wrote
   * or deleted it since the miss, in one transaction, and returns null otherwise.
   */
  async commit(ingest: BlobIngest, attributes: ObjectAttributes, miss?: MissWatch): Promise<ObjectRecord | null> {
    if (!miss) this.misses.supersede(attributes.bucketId, attributes.key);
    const { size, md5 } = ingest.verified;
    const blobName = this.deps.blobs.newBlobName(attributes.bucketId, attributes.key);
    await ingest.writer.commit(blobName);
    let saved;
    try {
      saved = await this.deps.repository.save({ ...attributes, size, etag: md5, blobName }, miss && (() => !miss.superseded));
    } catch (error) {
      // No row points at the blob: remove it now rather than leave it until a restart.
      await this.deps.blobs.remove(blobName).catch(() => undefined);
      throw error;
    }
    if (!saved) {
      await this.deps.blobs.remove(blobName);
      return null;
    }
    if (saved.replacedBlob) await this.dropBlob(saved.replacedBlob);
    return saved.record;
  }

  async delete(bucketId: number, key: string): Promise<boolean> {
    this.misses.supersede(bucketId, key);
    const blobName = await this.withSpaceReserve(() => this.deps.repository.delete(bucketId, key));
    if (blobName === null) return false;
    await this.dropBlob(blobName);
    // Best effort: put the reserve back once deletes have made room for it.
    void this.deps.blobs.ensureReserve().catch(() => undefined);
    return true;
  }

  list(bucketId: number, options: ListOptions): Promise<ListPage> {
    return this.deps.repository.list(bucketId, options);
  }

  /**
   * Run at start: removes what unfinished writes left, rows whose blob is missing, and blobs no
   * row points at.
   */
  async reconcile(): Promise<{ temps: number; rows: number; blobs: number }> {
    const { blobs, repository } = this.deps;
    const { unfinished } = await blobs.init();
    this.deps.contentCache.clear();
    const files = new Set(await blobs.listNames());
    const rows = await repository.blobReferences();
    const missing = rows.filter((row) => !files.has(row.blobName)).map((row) => row.id);
    if (missing.length > 0) await this.withSpaceReserve(() => repository.deleteRows(missing));
    const referenced = new Set(rows.map((row) => row.blobName));
    const orphans = [...files].filter((name) => !referenced.has(name));
    await Promise.all(orphans.map((name) => blobs.remove(name)));
    await blobs.ensureReserve();
    return { temps: unfinished, rows: missing.length, blobs: orphans.length };
  }

  private async dropBlob(blobName: string): Promise<void> {
    this.deps.contentCache.delete(blobName);
    await this.deps.blobs.remove(blobName);
  }

  /**
   * Runs a write that frees space. On a full disk it would fail like any write, so the reserve is
   * given up and the write tried once more: deleting must work exactly when the disk is full.
   */
  private async withSpaceReserve<T>(write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (error) {
      if (!isStorageFull(error) || !(await this.deps.blobs.releaseReserve())) throw error;
      return write();
    }
  }
}
