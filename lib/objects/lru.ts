/**
 * A least-recently-used map bounded by a total weight (entries, or bytes).
 *
 * Recency is a doubly linked list through the entries, not the Map's insertion order: marking an
 * entry used moves it to the list's head by its pointers, where re-inserting it into the Map
 * (delete, then set) left a deleted slot behind on every hit and made V8 rebuild the Map's table
 * every few lookups (4.6 µs of a 4 KiB hit's ~105 µs on the main thread, three lookups a hit:
 * bucket, object, bytes; `npx tsx bench/profile-hit.ts --protocol=anonymous --quiet`).
 */
interface Entry<K, V> {
  readonly key: K;
  value: V;
  weight: number;
  /** Towards the least recently used end; null for the oldest. */
  older: Entry<K, V> | null;
  /** Towards the most recently used end; null for the newest. */
  newer: Entry<K, V> | null;
}

export class LruCache<K, V> {
  private readonly entries = new Map<K, Entry<K, V>>();
  private newest: Entry<K, V> | null = null;
  private oldest: Entry<K, V> | null = null;
  private total = 0;

  constructor(
    private readonly capacity: number,
    private readonly weigh: (value: V) => number = () => 1,
  ) {}

  get(key: K): V | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (entry !== this.newest) {
      this.unlink(entry);
      this.pushNewest(entry);
    }
    return entry.value;
  }

  /** The total weight kept at most. */
  get limit(): number {
    return this.capacity;
  }

  has(key: K): boolean {
    return this.entries.has(key);
  }

  set(key: K, value: V): void {
    const weight = this.weigh(value);
    if (weight > this.capacity) return;
    this.delete(key);
    const entry: Entry<K, V> = { key, value, weight, older: null, newer: null };
    this.entries.set(key, entry);
    this.pushNewest(entry);
    this.total += weight;
    while (this.total > this.capacity && this.oldest !== null) this.remove(this.oldest);
  }

  delete(key: K): void {
    const entry = this.entries.get(key);
    if (entry !== undefined) this.remove(entry);
  }

  /** Removes every entry whose key matches (a walk over all entries: for rare, bulk invalidation). */
  deleteWhere(matches: (key: K) => boolean): void {
    for (const entry of this.entries.values()) if (matches(entry.key)) this.remove(entry);
  }

  clear(): void {
    this.entries.clear();
    this.newest = null;
    this.oldest = null;
    this.total = 0;
  }

  get size(): number {
    return this.entries.size;
  }

  private remove(entry: Entry<K, V>): void {
    this.entries.delete(entry.key);
    this.unlink(entry);
    this.total -= entry.weight;
  }

  private unlink(entry: Entry<K, V>): void {
    if (entry.older) entry.older.newer = entry.newer;
    else this.oldest = entry.newer;
    if (entry.newer) entry.newer.older = entry.older;
    else this.newest = entry.older;
    entry.older = null;
    entry.newer = null;
  }

  private pushNewest(entry: Entry<K, V>): void {
    entry.older = this.newest;
    entry.newer = null;
    if (this.newest) this.newest.newer = entry;
    else this.oldest = entry;
    this.newest = entry;
  }
}
