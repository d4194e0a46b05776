/**
 * Access keys' secrets (unsealed) and whether they are enabled, in memory: every signed request
 * needs one, and the Prisma query plus AES-GCM unseal cost more than serving a 4 KiB object
 * (about a third of the hit path's CPU in bench/profile-hit.ts).
 *
 * Coherence: every change to a key (create, enable, disable, delete, the root key's update) goes
 * through access-key-service.ts in this process and forgets the entry at once. A lookup that
 * started before such a change does not store what it read (the generation check), so a disabled
 * key cannot come back from a read racing the disable. Entries also expire after `ttlMs`, which
 * bounds how long a change made by another process on the same database (another instance, a
 * script) goes unseen here. Unknown keys are cached too (null), so a flood of made-up key ids costs
 * one query per id and TTL, within `maxEntries`.
 */
export interface SigningSecret {
  secretKey: string;
  enabled: boolean;
}

/** How long an entry is trusted without asking the database again. */
export const SIGNING_SECRET_TTL_MS = 5_000;
const MAX_ENTRIES = 4096;

export class SigningSecretCache {
  private readonly entries = new Map<string, { value: SigningSecret | null; expiresAt: number }>();
  private changes = 0;

  constructor(
    private readonly ttlMs = SIGNING_SECRET_TTL_MS,
    private readonly maxEntries = MAX_ENTRIES,
    private readonly now: () => number = Date.now,
  ) {}

  /** The cached answer (null: no such key), or undefined when the database must be asked. */
  get(accessKeyId: string): SigningSecret | null | undefined {
    const entry = this.entries.get(accessKeyId);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.entries.delete(accessKeyId);
      return undefined;
    }
    return entry.value;
  }

  /** Taken before reading the database; pass it to set(). */
  get generation(): number {
    return this.changes;
  }

  /** Stores what the database said, unless a key changed since `generation` was taken. */
  set(accessKeyId: string, value: SigningSecret | null, generation: number): void {
    if (generation !== this.changes || this.ttlMs <= 0) return;
    this.entries.delete(accessKeyId);
    this.entries.set(accessKeyId, { value, expiresAt: this.now() + this.ttlMs });
    // Map keeps insertion order: the first entry is the oldest.
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }

  /** A key was created, changed or deleted. */
  forget(accessKeyId: string): void {
    this.changes += 1;
    this.entries.delete(accessKeyId);
  }
}
