/**
 * The hot cache in front of the object repository: a database lookup costs ~0.7 ms here, more than
 * serving a small object (bench/objects.ts). Every write of this instance goes through this
 * wrapper, so the cache follows them at once; other instances' writes reach it through the change
 * log (lib/fleet/cache-sync.ts, `forget`), within CACHE_SYNC_MS.
 */
import type { MaybePromise } from "@/lib/maybe-promise";
import type { LruCache } from "./lru";
import type { ObjectRecord } from "./object-meta";
import type { JournaledBlob, ListOptions, ListPage, NewObjectRow, ObjectRepository, SaveOptions, StoredKey } from "./object-repository";
import type { PendingBlob } from "./write-journal";

export const objectCacheKey = (bucketId: number, key: string) => `${bucketId}\0${key}`;

export class CachedObjectRepository implements ObjectRepository {
  /** Counts writes, so a lookup that raced a write does not cache what it read before the write. */
  private writes = 0;

  constructor(
    private readonly inner: ObjectRepository,
    /** Row by `objectCacheKey`; null records a key that does not exist. */
    private readonly cache: LruCache<string, ObjectRecord | null>,
  ) {}

  /** The cached row itself when there is one (no promise: see maybe-promise.ts). */
  find(bucketId: number, key: string): MaybePromise<ObjectRecord | null> {
    const id = objectCacheKey(bucketId, key);
    const cached = this.cache.get(id);
    if (cached !== undefined) return cached;
    return this.load(id, bucketId, key);
  }

  private async load(id: string, bucketId: number, key: string): Promise<ObjectRecord | null> {
    const writesBefore = this.writes;
    const record = await this.inner.find(bucketId, key);
    if (this.writes === writesBefore) this.cache.set(id, record);
    return record;
  }

  async findFresh(bucketId: number, key: string): Promise<ObjectRecord | null> {
    const writesBefore = this.writes;
    const record = await this.inner.find(bucketId, key);
    if (this.writes === writesBefore) this.cache.set(objectCacheKey(bucketId, key), record);
    return record;
  }

  /** Always the database's answer: it serves decisions (an import's) that another instance's write must not escape. */
  findKeys(bucketId: number, keys: readonly string[]): Promise<Map<string, StoredKey>> {
    return this.inner.findKeys(bucketId, keys);
  }

  beginBlob(blob: PendingBlob): Promise<number> {
    return this.inner.beginBlob(blob);
  }

  endBlob(pending: number): Promise<void> {
    return this.inner.endBlob(pending);
  }

  async save(row: NewObjectRow, options: SaveOptions) {
    const saved = await this.writing(() => this.inner.save(row, options));
    if (saved) this.cache.set(objectCacheKey(row.bucketId, row.key), saved.record);
    return saved;
  }

  async delete(bucketId: number, key: string): Promise<JournaledBlob[] | null> {
    const dropped = await this.writing(() => this.inner.delete(bucketId, key));
    this.cache.set(objectCacheKey(bucketId, key), null);
    return dropped;
  }

  async deleteKeys(bucketId: number, keys: string[]): Promise<{ deleted: string[]; blobs: JournaledBlob[] }> {
    try {
      return await this.writing(() => this.inner.deleteKeys(bucketId, keys));
    } finally {
      // Forgotten rather than cached as absent: a key replaced meanwhile still exists.
      for (const key of keys) this.cache.delete(objectCacheKey(bucketId, key));
    }
  }

  /**
   * Another instance changed the key (lib/fleet/cache-sync.ts): the copy goes, and a lookup under
   * way (it may have read the row before the change) is not cached either.
   */
  forget(bucketId: number, key: string): void {
    this.writes += 2;
    this.cache.delete(objectCacheKey(bucketId, key));
  }

  /** Every copy goes (this instance may have missed other instances' changes). */
  forgetAll(): void {
    this.writes += 2;
    this.cache.clear();
  }

  /** Any lookup that overlaps a write (it starts before the write ends) is not cached. */
  private async writing<T>(write: () => Promise<T>): Promise<T> {
    this.writes += 1;
    try {
      return await write();
    } finally {
      this.writes += 1;
    }
  }

  list(bucketId: number, options: ListOptions): Promise<ListPage> {
    return this.inner.list(bucketId, options);
  }

  count(bucketId: number): Promise<number> {
    return this.inner.count(bucketId);
  }

  /** Removes blobs only, never rows: nothing cached goes stale. */
  resolvePendingBlobs(removeBlob: (blobName: string) => Promise<void>, live?: ReadonlySet<string>) {
    return this.inner.resolvePendingBlobs(removeBlob, live);
  }
}
