/**
 * A small cache for rows every request of some kind reads and that change rarely, through a
 * service in this process (access keys' secrets, a bucket's mirror rules): entries expire after
 * `ttlMs`, and the service forgets an entry after each change it commits.
 *
 * Coherence: a lookup that read the database before a change must not store what it read after
 * the change was forgotten, or the old row would come back until the TTL. Callers take
 * `generation` before reading and pass it to `set`, which stores nothing if anything was forgotten
 * since. The TTL bounds how long a change made by another process on the same database (another
 * instance, a script) goes unseen here. Bounded by `maxEntries`; the oldest entry goes first.
 */
export class TtlCache<K, V> {
  private readonly entries = new Map<K, { value: V; expiresAt: number }>();
  private changes = 0;

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** The cached value, or undefined when the database must be asked. */
  get(key: K): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  /** Taken before reading the database; pass it to set(). */
  get generation(): number {
    return this.changes;
  }

  /** Stores what the database said, unless something was forgotten since `generation` was taken. */
  set(key: K, value: V, generation: number): void {
    if (generation !== this.changes || this.ttlMs <= 0) return;
    this.entries.delete(key);
    this.entries.set(key, { value, expiresAt: this.now() + this.ttlMs });
    // Map keeps insertion order: the first entry is the oldest.
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }

  /** The row behind `key` changed (after the change is committed). */
  forget(key: K): void {
    this.changes += 1;
    this.entries.delete(key);
  }

  /** Everything may have changed (another instance's changes could not be followed). */
  clear(): void {
    this.changes += 1;
    this.entries.clear();
  }
}
