/**
 * Keys that every origin answered 404 for recently, so that a client asking for them again within
 * `ttlMs` gets its 404 without the origin being asked (a crawler probing missing paths would
 * otherwise turn every request into an origin request). Bounded in bytes (least recently used
 * entries go first); a TTL of 0 turns it off. An entry is tied to the rule it was learned under
 * (the rule's id and version and the addresses asked): a changed rule never matches an old entry,
 * in this process or another, and a rule change here also clears the bucket's entries at once.
 */
import { LruCache } from "@/lib/objects/lru";

export interface NegativeCacheSettings {
  ttlMs: number;
  maxBytes: number;
}

/** Map slot, LRU entry and the value object, roughly. */
const ENTRY_OVERHEAD_BYTES = 160;

export class NegativeCache {
  private readonly entries: LruCache<string, { expiresAt: number; bytes: number }>;

  constructor(
    private readonly settings: NegativeCacheSettings,
    private readonly now: () => number = Date.now,
  ) {
    this.entries = new LruCache(settings.maxBytes, (entry) => entry.bytes);
  }

  get enabled(): boolean {
    return this.settings.ttlMs > 0 && this.settings.maxBytes > 0;
  }

  get ttlMs(): number {
    return this.settings.ttlMs;
  }

  /** True while a 404 for this key under this rule (its `fingerprint`) is remembered. */
  has(bucketId: number, fingerprint: string): boolean {
    if (!this.enabled) return false;
    const name = entryName(bucketId, fingerprint);
    const entry = this.entries.get(name);
    if (!entry) return false;
    if (entry.expiresAt > this.now()) return true;
    this.entries.delete(name);
    return false;
  }

  remember(bucketId: number, fingerprint: string): void {
    if (!this.enabled) return;
    const name = entryName(bucketId, fingerprint);
    // Strings take up to 2 bytes a character.
    this.entries.set(name, { expiresAt: this.now() + this.settings.ttlMs, bytes: ENTRY_OVERHEAD_BYTES + 2 * name.length });
  }

  forget(bucketId: number, fingerprint: string): void {
    this.entries.delete(entryName(bucketId, fingerprint));
  }

  /** Drops every entry of a bucket (its rules changed). */
  clearBucket(bucketId: number): void {
    const prefix = `${bucketId}\0`;
    this.entries.deleteWhere((name) => name.startsWith(prefix));
  }

  get size(): number {
    return this.entries.size;
  }
}

function entryName(bucketId: number, fingerprint: string): string {
  return `${bucketId}\0${fingerprint}`;
}
