/**
 * The journal of blobs whose fate is undecided (PendingWrite rows), so that start-up can clean up
 * after a crash by reading a handful of entries instead of every row and every blob name.
 *
 * The invariant: every committed blob is either pointed at by its row or named in the journal.
 * - A new blob is recorded (durably) before it becomes visible under its name; the transaction that
 *   makes its row point at it removes the entry.
 * - The transaction that replaces or deletes a row records the blob the row stops pointing at; the
 *   entry goes once that blob is removed.
 * At start-up no write is live, so each entry is resolved the same way: its blob is removed unless
 * the row of its bucket and key points at it. A crash at any point leaves nothing else behind.
 * Temporary files are the blob store's business: they live in their own directory, which holds
 * only writes in flight, and the store clears it at start.
 */
import type { Prisma, PrismaClient } from "@/lib/generated/prisma/client";

export interface PendingBlob {
  bucketId: number;
  key: string;
  blobName: string;
}

/** The journal's table, from the client or from inside an interactive transaction. */
type JournalDb = Pick<Prisma.TransactionClient, "pendingWrite">;

/** Entries resolved per database round trip at start-up. */
const RESOLVE_BATCH = 100;

export class WriteJournal {
  /** Entries whose end() waits for the next write. */
  private ending: number[] = [];
  private flushing: Promise<void> | null = null;

  constructor(private readonly db: () => PrismaClient) {}

  /** Records a blob before it becomes visible; returns the entry's id. */
  async begin(blob: PendingBlob): Promise<number> {
    const entry = await this.db().pendingWrite.create({ data: blob, select: { id: true } });
    return entry.id;
  }

  /** Records several blobs at once (one write); returns each blob's entry id by blob name. */
  async beginMany(blobs: PendingBlob[]): Promise<Map<string, number>> {
    const entries = await this.db().pendingWrite.createManyAndReturn({ data: blobs, select: { id: true, blobName: true } });
    return new Map(entries.map((entry) => [entry.blobName, entry.id]));
  }

  /**
   * Inside the transaction that saves or deletes a row: `settled` (the entry of the blob the row
   * now points at) goes, and `dropped` (the blob the row no longer points at) is recorded.
   * Returns the id of the entry for `dropped`, for `end` once it is removed.
   */
  static async inTransaction(tx: JournalDb, change: { settled?: number | null; dropped?: PendingBlob | null }): Promise<number | null> {
    if (change.settled != null) await tx.pendingWrite.deleteMany({ where: { id: change.settled } });
    if (!change.dropped) return null;
    const entry = await tx.pendingWrite.create({ data: change.dropped, select: { id: true } });
    return entry.id;
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
      await this.db()
        .pendingWrite.deleteMany({ where: { id: { in: ids.slice(i, i + RESOLVE_BATCH) } } })
        .catch(() => undefined);
    }
  }

  /**
   * At start-up, before anything writes: removes the blob of every entry unless its row points at
   * it, then the entry. `blobOf` answers which blob a row points at (null: no row).
   */
  async resolve(blobOf: (bucketId: number, key: string) => Promise<string | null>, removeBlob: (blobName: string) => Promise<void>): Promise<{ entries: number; removed: number }> {
    let entries = 0;
    let removed = 0;
    let after = 0;
    for (;;) {
      const batch = await this.db().pendingWrite.findMany({ where: { id: { gt: after } }, orderBy: { id: "asc" }, take: RESOLVE_BATCH });
      if (batch.length === 0) return { entries, removed };
      for (const entry of batch) {
        if ((await blobOf(entry.bucketId, entry.key)) !== entry.blobName) {
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
