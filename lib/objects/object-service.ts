/**
 * Objects: the one owner of put, get, head, delete, list and the back-to-origin commit, over a
 * metadata repository and a BlobStore. No HTTP here: protocols (BOS today, S3 next) are thin
 * layers over this service.
 *
 * Crash safety: a commit records the new blob in the write journal, makes it durable under its
 * name, then saves the row (settling the entry and journaling the blob it replaced), then removes
 * the replaced blob. At any crash point no row points at a missing or partial blob, and every blob
 * no row points at is named in the journal, which `recover` resolves at start (write-journal.ts).
 */
import type { Readable, Writable } from "node:stream";
import { EntityTooLarge } from "@/lib/domain/errors";
import { andThen, type MaybePromise } from "@/lib/maybe-promise";
import type { BlobStore, BlobWriter, WriterOptions } from "@/lib/storage/blob-store";
import { isStorageFull } from "@/lib/storage/storage-full";
import { BlobIngest, type IngestExpectation, type IngestOptions } from "./ingest";
import { LruCache } from "./lru";
import { MissWatches, type MissWatch } from "./miss-watch";
import type { BlobSpan, ObjectRecord } from "./object-meta";
import type { JournaledBlob, ListOptions, ListPage, ObjectRepository, SaveAlongside, SaveClaim, StoredKey } from "./object-repository";
import { openSegments, sendSegments } from "./segment-stream";

/** Objects up to this size are kept in memory (the content cache) after their first read. */
export const SMALL_OBJECT_BYTES = 256 * 1024;
/**
 * Objects up to this size are kept in memory once they are hot: read again while their first read
 * is still among the last HOT_CANDIDATES remembered. From memory a 1 MiB hit is one socket write;
 * from its blob it is an open, a read on the I/O threads and a close as well, ~1.8x the CPU
 * (`npx tsx bench/profile-hit.ts --protocol=anonymous --size=1048576 --quiet --no-profile`:
 * 346 against 624 µs per request). Read once, such an object is streamed and not kept: a scan of
 * many large objects neither allocates a copy of each nor pushes the hot ones out.
 */
export const HOT_OBJECT_BYTES = 1024 * 1024;
/** Blob names of objects between the two sizes read once, remembered (a name each; oldest forgotten first). */
const HOT_CANDIDATES = 4096;
/**
 * A hot object is kept only if it takes at most this share of the content cache: one that would
 * not fit would be read whole on every other request and thrown away, and one nearly as large as
 * the cache would push out every small object at each promotion.
 */
const HOT_SHARE_OF_CACHE = 1 / 4;

/** Blob files removed in parallel by deleteKeys (each removal is one unlink on the I/O threads). */
const BLOB_REMOVALS_AT_ONCE = 32;

/** What a writer says about a new object; size and ETag come from the bytes. */
export interface ObjectAttributes {
  bucketId: number;
  key: string;
  storageClass: string;
  httpMeta: Record<string, string>;
  userMeta: Record<string, string>;
  /** Where a mirrored object came from; null for uploads. */
  sourceUrl: string | null;
  /** Verified x-amz-checksum-* values (algorithm to base64); none when absent. */
  checksums?: Record<string, string>;
}

/** What a client upload's decoder learns only once the body has been read. */
export interface LateAttributes {
  /** The checksums it verified against the bytes (algorithm to base64). */
  checksums?: () => Record<string, string>;
}

export interface PutOptions extends LateAttributes {
  /** Written in the commit's transaction (the console's audit event): both or neither. */
  alongside?: SaveAlongside;
}

/** This instance among those sharing the database and the blob store (lib/fleet/instance-registry.ts). */
export interface WriteOwner {
  /** Registers this instance if need be, then names every instance alive, this one included. */
  liveIds(): Promise<Set<string>>;
}

export interface ObjectServiceDeps {
  repository: ObjectRepository;
  /** Absent: this is the only instance (tools, unit tests). */
  owner?: WriteOwner;
  blobs: BlobStore;
  /** Blob name to bytes, for small objects (blob names never change content, so never stale). */
  contentCache: LruCache<string, Buffer>;
  maxObjectSize: number;
}

const rangeOf = (bytes: Buffer, start: number, end: number) => (start === 0 && end === bytes.length - 1 ? bytes : bytes.subarray(start, end + 1));

export class ObjectService {
  private readonly misses = new MissWatches();
  /** Objects larger than SMALL_OBJECT_BYTES read once: a second read keeps them in memory. */
  private readonly readOnce = new LruCache<string, true>(HOT_CANDIDATES);
  /** Blobs being read whole into the content cache: requests for one meanwhile share its read. */
  private readonly reading = new Map<string, Promise<Buffer>>();

  constructor(private readonly deps: ObjectServiceDeps) {}

  get maxObjectSize(): number {
    return this.deps.maxObjectSize;
  }

  /** The row itself when the cache has it (the hit path: lib/maybe-promise.ts), else a promise. */
  find(bucketId: number, key: string): MaybePromise<ObjectRecord | null> {
    return this.deps.repository.find(bucketId, key);
  }

  /** The row as the database has it now, bypassing (and refreshing) the cache: another instance may have written it. */
  findFresh(bucketId: number, key: string): Promise<ObjectRecord | null> {
    return this.deps.repository.findFresh(bucketId, key);
  }

  /** Which of `keys` the bucket holds, in one database query (an import's claimed batch). */
  findKeys(bucketId: number, keys: readonly string[]): Promise<Map<string, StoredKey>> {
    return this.deps.repository.findKeys(bucketId, keys);
  }

  /** Bytes `start` to `end` (inclusive): from memory for small and hot objects, else streamed. */
  async read(object: ObjectRecord, start: number, end: number): Promise<Buffer | Readable> {
    if (object.segments) return openSegments(this.deps.blobs, object.segments, start, end);
    return this.bytesInMemory(object, start, end) ?? this.deps.blobs.openRange(object.blobName, start, end);
  }

  /**
   * The bytes `start` to `end` of an object kept in memory: from the content cache (at once), or
   * read whole from its blob into it. Null for an object to stream: one over HOT_OBJECT_BYTES, or
   * one over SMALL_OBJECT_BYTES on its first read.
   */
  private bytesInMemory(object: ObjectRecord, start: number, end: number): MaybePromise<Buffer> | null {
    if (object.size > HOT_OBJECT_BYTES) return null;
    const name = object.blobName;
    const cached = this.deps.contentCache.get(name);
    if (cached) return rangeOf(cached, start, end);
    let read = this.reading.get(name);
    if (!read) {
      if (object.size > SMALL_OBJECT_BYTES) {
        if (object.size > this.deps.contentCache.limit * HOT_SHARE_OF_CACHE) return null;
        if (!this.readOnce.has(name)) {
          this.readOnce.set(name, true);
          return null;
        }
        this.readOnce.delete(name);
      }
      read = this.readIntoCache(name);
    }
    return read.then((bytes) => rangeOf(bytes, start, end));
  }

  /** Reads a blob whole and keeps it, unless it was removed meanwhile (dropBlob forgets the read). */
  private readIntoCache(name: string): Promise<Buffer> {
    const read: Promise<Buffer> = this.deps.blobs.readAll(name).then(
      (bytes) => {
        if (this.reading.get(name) === read) {
          this.reading.delete(name);
          this.deps.contentCache.set(name, bytes);
        }
        return bytes;
      },
      (error: unknown) => {
        if (this.reading.get(name) === read) this.reading.delete(name);
        throw error;
      },
    );
    this.reading.set(name, read);
    return read;
  }

  /**
   * Writes bytes `start` to `end` (inclusive) of `object` to `out`, and ends it: a small
   * object from memory, a large one by the store (sendRange, with reused buffers), blob after blob
   * for one stored as several. `ready` (the response's headers) is called once the bytes can be
   * read: a failure before it leaves `out` untouched, one after it is the caller's broken transfer.
   */
  send(object: ObjectRecord, start: number, end: number, out: Writable, ready: () => void): MaybePromise<void> {
    if (object.segments) return sendSegments(this.deps.blobs, object.segments, start, end, out, ready).then(() => void out.end());
    const inMemory = this.bytesInMemory(object, start, end);
    if (inMemory === null) return this.deps.blobs.sendRange(object.blobName, start, end, out, ready).then(() => void out.end());
    // Headers and body in one write, with no promise when the bytes are cached: the path of most hits.
    return andThen(inMemory, (bytes) => {
      ready();
      out.end(bytes);
    });
  }

  /** A whole object as a stream (bucket origins read each other this way). */
  openStream(object: ObjectRecord): Readable {
    const end = Math.max(0, object.size - 1);
    return object.segments ? openSegments(this.deps.blobs, object.segments, 0, end) : this.deps.blobs.openRange(object.blobName, 0, end);
  }

  /**
   * A new blob for bucket `bucketId`'s key `key` on its way in; the caller finishes, then commits,
   * and always discards it. `readBehind`: readers will read the bytes while they arrive (for a
   * writer made here; one made ahead with createWriter was given its options then).
   */
  async beginIngest(
    target: { bucketId: number; key: string },
    onWritten?: () => void,
    options: IngestOptions & Pick<WriterOptions, "readBehind"> & { writer?: Promise<BlobWriter> } = {},
  ): Promise<BlobIngest> {
    const writer = await (options.writer ?? this.createWriter(target, options));
    return new BlobIngest(writer, this.deps.maxObjectSize, onWritten, options);
  }

  /**
   * The blob writer of a coming ingest, made before its bytes arrive: a mirror fetch creates it
   * while the origin answers (creating the temporary file was ~2 ms of a miss's first byte), then
   * hands it to beginIngest, or discards it when no origin sends a body.
   */
  async createWriter(target: { bucketId: number; key: string }, options: Pick<WriterOptions, "readBehind"> = {}): Promise<BlobWriter> {
    const { blobs } = this.deps;
    return blobs.createWriter(blobs.newBlobName(target.bucketId, target.key), options);
  }

  /** A client upload: the whole pipeline, then a commit that replaces any previous version. */
  async put(attributes: ObjectAttributes, body: AsyncIterable<Buffer>, expected: IngestExpectation, options: PutOptions = {}): Promise<ObjectRecord> {
    if (expected.size !== null && expected.size > this.deps.maxObjectSize) throw new EntityTooLarge(this.deps.maxObjectSize);
    const ingest = await this.beginIngest(attributes, undefined, { sizeHint: expected.size });
    try {
      for await (const chunk of body) await ingest.append(chunk);
      await ingest.finish(expected);
      const checksums = options.checksums?.() ?? attributes.checksums;
      return (await this.commit(ingest, { ...attributes, checksums }, undefined, { alongside: options.alongside }))!;
    } finally {
      await ingest.discard();
    }
  }

  /**
   * Registers a miss of `key`: any client write or delete of it from now on wins over the fetch,
   * on this instance, and on every instance when the fetch holds the key's lease `leaseToken`.
   */
  watchMiss(bucketId: number, key: string, leaseToken: string | null = null): MissWatch {
    return this.misses.watch(bucketId, key, leaseToken);
  }

  /**
   * Stores a finished ingest as object `key`. Without `miss`, replaces any previous version. With
   * `miss` (a back-to-origin commit) it stores only if the key is still absent and no client wrote
   * or deleted it since the miss, in one transaction, and returns null otherwise. With `miss` and
   * `replace` (an import that overwrites) it replaces a stored version, still only if no client
   * wrote or deleted the key since the miss. `alongside` is written in the commit's transaction.
   */
  async commit(
    ingest: BlobIngest,
    attributes: ObjectAttributes,
    miss?: MissWatch,
    { replace = false, alongside }: { replace?: boolean; alongside?: SaveAlongside } = {},
  ): Promise<ObjectRecord | null> {
    if (!miss) this.misses.supersede(attributes.bucketId, attributes.key);
    const { size, md5 } = ingest.verified;
    const { repository } = this.deps;
    const blobName = ingest.writer.name;
    // Journaled before the blob appears under its name: from here on a crash leaves an entry.
    const blob: JournaledBlob = { blobName, pending: await repository.beginBlob({ bucketId: attributes.bucketId, key: attributes.key, blobName }) };
    let saved;
    try {
      await ingest.writer.commit();
      saved = await repository.save(
        { ...attributes, checksums: attributes.checksums ?? {}, size, etag: md5, blobName },
        { pending: blob.pending, onlyIfAbsent: miss && (() => !miss.superseded), leaseToken: miss?.leaseToken ?? null, replaceExisting: replace, alongside },
      );
    } catch (error) {
      // No row points at the blob: remove it now rather than leave it until a restart.
      await this.dropBlob(blob).catch(() => undefined);
      throw error;
    }
    if (!saved) {
      await this.dropBlob(blob);
      return null;
    }
    await this.dropBlobs(saved.replaced);
    return saved.record;
  }

  /**
   * Stores blobs that rows already point at (a multipart upload's parts, in order) as object `key`,
   * without copying a byte: in one transaction the object's row and segments are written and
   * `claim` releases the rows that pointed at them (it throws to abort). The ETag is the caller's
   * (S3's multipart form). Replaces any previous version, like a PUT.
   */
  async commitBlobs(attributes: ObjectAttributes, content: { etag: string; blobs: readonly BlobSpan[] }, claim: SaveClaim): Promise<ObjectRecord> {
    const { blobs, etag } = content;
    if (blobs.length === 0) throw new Error("an object needs at least one blob");
    const size = blobs.reduce((total, blob) => total + blob.size, 0);
    if (size > this.deps.maxObjectSize) throw new EntityTooLarge(this.deps.maxObjectSize);
    this.misses.supersede(attributes.bucketId, attributes.key);
    const row = { ...attributes, checksums: attributes.checksums ?? {}, size, etag, blobName: blobs[0]!.blobName, ...(blobs.length > 1 ? { segments: blobs } : {}) };
    const saved = (await this.deps.repository.save(row, { claim }))!;
    await this.dropBlobs(saved.replaced);
    return saved.record;
  }

  async delete(bucketId: number, key: string): Promise<boolean> {
    this.misses.supersede(bucketId, key);
    const dropped = await this.withSpaceReserve(() => this.deps.repository.delete(bucketId, key));
    if (dropped === null) return false;
    await this.dropBlobs(dropped);
    // Best effort: put the reserve back once deletes have made room for it.
    void this.deps.blobs.ensureReserve().catch(() => undefined);
    return true;
  }

  /**
   * Deletes several objects in a few database writes (a per-key delete costs a few fsyncs each);
   * returns the keys that were deleted. Keys that do not exist are left out.
   */
  async deleteKeys(bucketId: number, keys: string[]): Promise<string[]> {
    for (const key of keys) this.misses.supersede(bucketId, key);
    const { deleted, blobs } = await this.withSpaceReserve(() => this.deps.repository.deleteKeys(bucketId, keys));
    for (let i = 0; i < blobs.length; i += BLOB_REMOVALS_AT_ONCE) {
      await Promise.all(blobs.slice(i, i + BLOB_REMOVALS_AT_ONCE).map((blob) => this.dropBlob(blob)));
    }
    void this.deps.blobs.ensureReserve().catch(() => undefined);
    return deleted;
  }

  list(bucketId: number, options: ListOptions): Promise<ListPage> {
    return this.deps.repository.list(bucketId, options);
  }

  count(bucketId: number): Promise<number> {
    return this.deps.repository.count(bucketId);
  }

  /**
   * Run at start, before this instance writes: removes what unfinished writes of instances no
   * longer alive left, i.e. their temporary files and every journaled blob no row points at (other
   * instances' writes in progress stay). It reads the journal, not every row and blob, so it takes
   * as long with ten million objects as with none; the full consistency check is `npm run fsck`.
   */
  async recover(): Promise<{ temps: number; blobs: number }> {
    const { blobs, repository } = this.deps;
    // Registering this instance is a write: on a full disk it needs the reserve like a delete.
    const { owner } = this.deps;
    const live = owner ? await this.withSpaceReserve(() => owner.liveIds()) : undefined;
    const { unfinished } = await blobs.init(live);
    this.deps.contentCache.clear();
    // Emptying the journal is a write too: on a full disk it needs the reserve like a delete.
    const { removed } = await this.withSpaceReserve(() => repository.resolvePendingBlobs((name) => blobs.remove(name), live));
    await blobs.ensureReserve();
    return { temps: unfinished, blobs: removed };
  }

  /** Removes a blob no row points at any more, then (not waiting) its journal entry. */
  private async dropBlob({ blobName, pending }: JournaledBlob): Promise<void> {
    this.deps.contentCache.delete(blobName);
    this.readOnce.delete(blobName);
    this.reading.delete(blobName);
    await this.deps.blobs.remove(blobName);
    void this.deps.repository.endBlob(pending);
  }

  private async dropBlobs(blobs: readonly JournaledBlob[]): Promise<void> {
    await Promise.all(blobs.map((blob) => this.dropBlob(blob)));
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
