/**
 * The change log other instances' caches follow (cache-sync.ts): every write that a cache elsewhere
 * may hold a copy of records what it changed, in the same transaction as the change itself, so a
 * change is in the log exactly when it is in the database.
 */
import type { DirectSql } from "@/lib/db/direct-sql";

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

/** Changes recorded per statement (four parameters each). */
const CHANGES_PER_STATEMENT = 200;

/** In the change's own transaction (`tx`: DirectSql.within). */
export async function recordCacheChanges(tx: DirectSql, changes: readonly CacheChangeRecord[]): Promise<void> {
  const at = new Date();
  for (let i = 0; i < changes.length; i += CHANGES_PER_STATEMENT) {
    const batch = changes.slice(i, i + CHANGES_PER_STATEMENT);
    await tx.execute(
      `INSERT INTO "CacheChange" ("scope", "bucketId", "name", "at") VALUES ${batch.map(() => "(?, ?, ?, ?)").join(", ")}`,
      batch.flatMap((change) => [change.scope, change.bucketId, change.name ?? "", at]),
    );
  }
}
