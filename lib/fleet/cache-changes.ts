/**
 * The change log other instances' caches follow (cache-sync.ts): every write that a cache elsewhere
 * may hold a copy of records what it changed, in the same transaction as the change itself, so a
 * change is in the log exactly when it is in the database.
 */
import type { Prisma } from "@/lib/generated/prisma/client";

/**
 * What a cache may hold a copy of: an object's row (by key), a bucket's row (by name), a bucket's
 * rules, an access key's signing secret (by access key id, bucket 0).
 */
export type CacheChangeScope = "object" | "bucket" | "rules" | "accessKey";

export interface CacheChangeRecord {
  scope: CacheChangeScope;
  bucketId: number;
  /** The object's key, the bucket's name or the access key id; empty for rules. */
  name?: string;
}

type ChangeDb = Pick<Prisma.TransactionClient, "cacheChange">;

export async function recordCacheChanges(tx: ChangeDb, changes: readonly CacheChangeRecord[]): Promise<void> {
  if (changes.length === 0) return;
  await tx.cacheChange.createMany({ data: changes.map((change) => ({ scope: change.scope, bucketId: change.bucketId, name: change.name ?? "" })) });
}
