/**
 * In-process caches in front of the database for the object path's per-request lookups: a
 * Prisma query costs ~0.7 ms here, more than serving a small object (bench/objects.ts).
 *
 * Coherence: every object write goes through the object service (its repository wrapper keeps the
 * row cache right, object-cache.ts) and every bucket create, delete or ACL change through
 * bucket-service.ts, in this process. The composition root (lib/runtime) builds one set per
 * process, which Next's bundled modules reach too. Bucket ids are never reused (AUTOINCREMENT), so
 * entries of a deleted bucket cannot resurface. Content is cached by blob name, which changes with
 * every new version, so cached bytes are never stale. Other instances' writes (several share one
 * database) reach the row caches through the change log, within CACHE_SYNC_MS (lib/fleet/cache-sync.ts).
 */
import type { SigningSecret } from "@/lib/auth/access-key-service";
import type { BucketRecord } from "@/lib/buckets/bucket-record";
import type { StoredMirrorRule } from "@/lib/mirroring/rule-schema";
import { LruCache } from "./lru";
import { TtlCache } from "./ttl-cache";
import type { ObjectRecord } from "./object-meta";

export interface HotCaches {
  /** Bucket name to row; null records a name that does not exist. */
  buckets: LruCache<string, BucketRecord | null>;
  /** `${bucketId}\0${key}` to row; null records a key that does not exist. */
  objects: LruCache<string, ObjectRecord | null>;
  /** Blob name to its bytes, for small objects. */
  content: LruCache<string, Buffer>;
  /**
   * Access key id to its unsealed secret (null: no such key), for verifying signatures, and a
   * bucket's enabled mirror rules, for every miss. Their own coherence rules: ttl-cache.ts.
   */
  signingSecrets: TtlCache<string, SigningSecret | null>;
  mirrorRules: TtlCache<number, StoredMirrorRule[]>;
}

/**
 * How long an access key's or a bucket's rules' cached row is trusted: changes made through this
 * process are seen at once; this bounds how long another instance's changes go unseen here.
 */
export const ROW_CACHE_TTL_MS = 5_000;
const ROW_CACHE_ENTRIES = 4096;

/** Fixed cost of an entry (Map slot, LRU entry, record object, Date), measured roughly with heap snapshots. */
const ENTRY_OVERHEAD_BYTES = 400;
/** JavaScript strings take up to 2 bytes per character. */
const stringBytes = (value: string) => value.length * 2;

function recordBytes(record: Record<string, string>): number {
  let total = 64;
  for (const name in record) total += 48 + stringBytes(name) + stringBytes(record[name]!);
  return total;
}

/** An estimate of an object row's memory: its key and metadata dominate, and they are user-controlled. */
export function objectEntryBytes(object: ObjectRecord | null): number {
  if (!object) return ENTRY_OVERHEAD_BYTES;
  return (
    ENTRY_OVERHEAD_BYTES +
    2 * stringBytes(object.key) + // the record's key and the cache key
    stringBytes(object.etag) +
    stringBytes(object.blobName) +
    stringBytes(object.storageClass) +
    stringBytes(object.sourceUrl ?? "") +
    recordBytes(object.httpMeta) +
    recordBytes(object.userMeta) +
    recordBytes(object.checksums) +
    (object.segments?.reduce((total, segment) => total + 64 + stringBytes(segment.blobName), 0) ?? 0)
  );
}

const bucketEntryBytes = (bucket: BucketRecord | null) => ENTRY_OVERHEAD_BYTES + (bucket ? 4 * stringBytes(bucket.name) + 128 : 0);

/**
 * Every cache is bounded in bytes (METADATA_CACHE_BYTES for bucket and object rows,
 * CONTENT_CACHE_BYTES for small objects' bytes), so memory does not grow with key or metadata size.
 */
export function createHotCaches(bytes: { metadata: number; content: number }, rowTtlMs = ROW_CACHE_TTL_MS): HotCaches {
  return {
    buckets: new LruCache(Math.max(Math.floor(bytes.metadata / 16), 64 * 1024), bucketEntryBytes),
    objects: new LruCache(bytes.metadata, objectEntryBytes),
    content: new LruCache(bytes.content, (value) => value.length + ENTRY_OVERHEAD_BYTES),
    signingSecrets: new TtlCache(rowTtlMs, ROW_CACHE_ENTRIES),
    mirrorRules: new TtlCache(rowTtlMs, ROW_CACHE_ENTRIES),
  };
}
