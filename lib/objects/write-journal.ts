/**
 * The journal of blobs whose fate is undecided (PendingWrite rows), so that start-up can clean up
 * after a crash by reading a handful of entries instead of every row and every blob name.
 *
 * The invariant: every committed blob is either pointed at by a row (an object, one of an object's
 * segments, a multipart part) or named in the journal.
 * - A new blob is recorded (durably) before it becomes visible under its name; the transaction that
 *   makes its row point at it removes the entry. (A transaction that moves a blob from one row to
 *   another, a part becoming an object's segment, needs no entry: some row points at it throughout.)
 * - The transaction that replaces or deletes a row records the blob the row stops pointing at; the
 *   entry goes once that blob is removed.
 * At start-up no write of a dead instance is live, so each of their entries is resolved the same
 * way: its blob is removed unless a row points at it (blob names are unique, so at most one can). A
 * crash at any point leaves nothing else behind.
 * Several instances share the journal: an entry made before a blob becomes visible names its
 * instance, and a start resolves only entries of instances that are no longer alive (or that name
 * none: entries of a replaced or deleted row's blob, which anyone may remove, as removing twice is
 * harmless), never a live instance's write in progress.
 * Temporary files are the blob store's business: they live in their own directory, which holds
 * only writes in flight, and the store clears it at start.
 */
import { directSql, readInt, type DirectSql } from "@/lib/db/direct-sql";
import type { PrismaClient } from "@/lib/generated/prisma/client";

export interface PendingBlob {
  bucketId: number;
  key: string;
  blobName: string;
}

/** Entries resolved per database round trip at start-up. */
const RESOLVE_BATCH = 100;

const BEGIN_ENTRY = 'INSERT INTO "PendingWrite" ("bucketId", "key", "blobName", "createdAt", "instanceId") VALUES (?, ?, ?, ?, ?) RETURNING "id"';
const SETTLE_ENTRY = 'DELETE FROM "PendingWrite" WHERE "id" = ?';

export class WriteJournal {
  /** Entries whose end() waits for the next write. */
  private ending: number[] = [];
  private flushing: Promise<void> | null = null;

  constructor(
    private readonly db: () => PrismaClient,
    /** The instance writing (lib/fleet/instance-registry.ts); null for tools that write nothing live (fsck). */
    private readonly instanceId: string | null = null,
  ) {}

  /**
   * Records a blob before it becomes visible; returns the entry's id. A direct statement
   * (lib/db/direct-sql.ts): every upload and every back-to-origin commit makes one.
   */
  async begin(blob: PendingBlob): Promise<number> {
    const [entry] = await directSql(this.db()).query(BEGIN_ENTRY, [blob.bucketId, blob.key, blob.blobName, new Date(), this.instanceId]);
    return readInt(entry!.id);
  }

  /** Records several blobs at once (one write); returns each blob's entry id by blob name. */
  async beginMany(blobs: PendingBlob[]): Promise<Map<string, number>> {
    const entries = await this.db().pendingWrite.createManyAndReturn({ data: blobs.map((blob) => ({ ...blob, instanceId: this.instanceId })), select: { id: true, blobName: true } });
    return new Map(entries.map((entry) => [entry.blobName, entry.id]));
  }

  /**
   * Inside the transaction that saves or deletes a row: `settled` (the entry of the blob the row
   * now points at) goes, and every `dropped` blob (blobs no row points at any more) is recorded.
   * Returns the entry ids of `dropped`, in order, for `end` once each blob is removed.
   */
  static async inTransaction(tx: DirectSql, change: { settled?: number | null; dropped?: readonly PendingBlob[] }): Promise<number[]> {
    if (change.settled != null) await tx.execute(SETTLE_ENTRY, [change.settled]);
    const ids: number[] = [];
    for (const blob of change.dropped ?? []) {
      // No instance: anyone may remove a blob no row points at any more (see above).
      const [entry] = await tx.query(BEGIN_ENTRY, [blob.bucketId, blob.key, blob.blobName, new Date(), null]);
      ids.push(readInt(entry!.id));
    }
    return ids;
  }

  /**
   * Forgets an entry once its blob is removed or settled otherwise. Entries ended in the same turn
   * share one write, after the caller has moved on. Best effort: an entry left behind (a full
   * disk, a crash) names a blob that is gone or unreferenced, and is resolved at the next start.
   */
  end(id: number): Promise<void> {
    this.ending.push(id);
    this.flushing ??= new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.flushEnded());
    return this.flushing;
  }

  private async flushEnded(): Promise<void> {
    const ids = this.ending;
    this.ending = [];
    this.flushing = null;
    for (let i = 0; i < ids.length; i += RESOLVE_BATCH) {
      const batch = ids.slice(i, i + RESOLVE_BATCH);
      await directSql(this.db())
        .execute(`DELETE FROM "PendingWrite" WHERE "id" IN (${batch.map(() => "?").join(", ")})`, batch)
        .catch(() => undefined);
    }
  }

  /**
   * At start-up, before this instance writes: removes the blob of every entry of an instance not in
   * `live` (and of entries that name none) unless a row points at it (an object, one of its
   * segments, a multipart part), then the entry. `isReferenced` answers that. An instance counts as
   * dead once its lease expired, and a dead instance writes nothing more, so read committed is
   * enough: no entry of a dead instance can be created while this runs.
   */
  async resolve(
    isReferenced: (blobName: string) => Promise<boolean>,
    removeBlob: (blobName: string) => Promise<void>,
    live: ReadonlySet<string> = new Set(),
  ): Promise<{ entries: number; removed: number }> {
    let entries = 0;
    let removed = 0;
    let after = 0;
    const ownerDead = { OR: [{ instanceId: null }, { instanceId: { notIn: [...live] } }] };
    for (;;) {
      const batch = await this.db().pendingWrite.findMany({ where: { id: { gt: after }, ...ownerDead }, orderBy: { id: "asc" }, take: RESOLVE_BATCH });
      if (batch.length === 0) return { entries, removed };
      for (const entry of batch) {
        if (!(await isReferenced(entry.blobName))) {
          await removeBlob(entry.blobName);
          removed += 1;
        }
      }
      after = batch[batch.length - 1]!.id;
      await this.db().pendingWrite.deleteMany({ where: { id: { in: batch.map((entry) => entry.id) } } });
      entries += batch.length;
    }
  }

  /** Entries now, oldest first (the consistency check reports them). */
  async pending(): Promise<(PendingBlob & { id: number; createdAt: Date })[]> {
    return this.db().pendingWrite.findMany({ orderBy: { id: "asc" } });
  }

  async isPending(blobName: string): Promise<boolean> {
    return (await this.db().pendingWrite.count({ where: { blobName } })) > 0;
  }
}
