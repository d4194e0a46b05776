/**
 * In-process caches in front of the database for the object path's per-request lookups: a
 * Prisma query costs ~0.7 ms here, more than serving a small object (bench/objects.ts).
 *
 * Coherence: every write of an object goes through object-store.ts and every bucket create or
 * delete through bucket-service.ts, in this process; both update these caches. The caches live on
 * globalThis because Next's bundled copy of those modules must update the same instance. Bucket
 * ids are never reused (AUTOINCREMENT), so entries of a deleted bucket cannot resurface. Content is
 * cached by blob name, which changes with every new version, so cached bytes are never stale.
 * A deployment with several processes writing one database would need these turned off.
 */
import type { BucketRecord } from "@/lib/buckets/bucket-service";
import { LruCache } from "./lru";
import type { ObjectRecord } from "./object-meta";

/** Objects up to this size are kept in memory after their first read. */
export const SMALL_OBJECT_BYTES = 256 * 1024;
const CONTENT_BUDGET_BYTES = 64 * 1024 * 1024;
const MAX_OBJECT_ENTRIES = 100_000;
const MAX_BUCKET_ENTRIES = 10_000;

interface HotCaches {
  /** Bucket name to row; null records a name that does not exist. */
  buckets: LruCache<string, BucketRecord | null>;
  /** `${bucketId}\0${key}` to row; null records a key that does not exist. */
  objects: LruCache<string, ObjectRecord | null>;
  /** Blob name to its bytes, for small objects. */
  content: LruCache<string, Buffer>;
}

const holder = globalThis as typeof globalThis & { __bosHotCaches?: HotCaches };

export function hotCaches(): HotCaches {
  holder.__bosHotCaches ??= {
    buckets: new LruCache(MAX_BUCKET_ENTRIES),
    objects: new LruCache(MAX_OBJECT_ENTRIES),
    content: new LruCache(CONTENT_BUDGET_BYTES, (bytes) => bytes.length),
  };
  return holder.__bosHotCaches;
}

export const objectCacheKey = (bucketId: number, key: string) => `${bucketId}\0${key}`;
