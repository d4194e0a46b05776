/**
 * Object metadata: the one place that reads and writes StoredObject rows, and the write journal
 * (write-journal.ts) that changes with them in the same transactions. `PrismaObjectRepository`
 * talks to the database; `CachedObjectRepository` (object-cache.ts) wraps it with the hot cache.
 * No bytes here: blobs are the object service's business.
 */
import type { PrismaClient, StoredObject } from "@/lib/generated/prisma/client";
import type { CheckedJournal, CheckedRows } from "./consistency-check";
import { prefixSuccessor } from "./key-order";
import { listPage, type EntryPage, type ListOptions, type ListReader } from "./list-page";
import type { ObjectRecord } from "./object-meta";
import { WriteJournal, type PendingBlob } from "./write-journal";

export type NewObjectRow = Omit<ObjectRecord, "lastModified">;

export type { ListOptions };

/**
 * What a listing shows of an object: reading only these columns keeps a 1,000-key page cheap. The
 * protocols list key, size, ETag, class and date; the console's object browser also shows the type
 * and where the object came from (`sourceUrl`: null for uploads; a mirrored object's lastModified
 * is when it was mirrored).
 */
export type ListedObject = Pick<ObjectRecord, "key" | "size" | "etag" | "storageClass" | "lastModified" | "sourceUrl"> & {
  /** The stored Content-Type, or null when none was stored. */
  contentType: string | null;
};

/** The stored Content-Type out of a row's httpMeta JSON. */
function storedContentType(httpMeta: string): string | null {
  // Most objects keep at most a few headers: skip parsing when there is no type at all.
  if (!httpMeta.includes("content-type")) return null;
  const type = (JSON.parse(httpMeta) as Record<string, string>)["content-type"];
  return typeof type === "string" ? type : null;
}

export type ListPage = EntryPage<ListedObject>;

/** A blob and its write-journal entry: once no row points at the blob, remove it, then end the entry. */
export interface JournaledBlob {
  blobName: string;
  pending: number;
}

export interface SaveOptions {
  pending: number;
  onlyIfAbsent?: () => boolean;
  replaceExisting?: boolean;
}

export interface ObjectRepository {
  find(bucketId: number, key: string): Promise<ObjectRecord | null>;
  /** Records a new blob in the write journal before it becomes visible; returns the entry. */
  beginBlob(blob: PendingBlob): Promise<number>;
  /** Ends a journal entry once its blob is removed (best effort, batched, not awaited by callers). */
  endBlob(pending: number): Promise<void>;
  /**
   * Inserts or replaces the row of `row.key`, settling its blob's journal entry `pending`, in one
   * transaction. With `onlyIfAbsent`, stores only when no row exists and `onlyIfAbsent()` still
   * holds at that moment; returns null otherwise (and leaves `pending` to the caller). With
   * `replaceExisting` too, an existing row does not stop it: only `onlyIfAbsent()` decides.
   * `replaced` is the blob of the row it replaced, journaled, for the caller to remove.
   */
  save(row: NewObjectRow, options: SaveOptions): Promise<{ record: ObjectRecord; replaced: JournaledBlob | null } | null>;
  /** Deletes the row; returns its blob, journaled, or null when there was none. */
  delete(bucketId: number, key: string): Promise<JournaledBlob | null>;
  /**
   * Deletes the rows of several keys in a few writes, however many: returns the keys deleted, and
   * the blobs of every row it found, journaled, for the caller to remove (a row that a newer write
   * replaced meanwhile is kept; removing its old blob as well is harmless, as blob names are
   * never reused and removing is idempotent).
   */
  deleteKeys(bucketId: number, keys: string[]): Promise<{ deleted: string[]; blobs: JournaledBlob[] }>;
  list(bucketId: number, options: ListOptions): Promise<ListPage>;
  /** How many objects the bucket holds. */
  count(bucketId: number): Promise<number>;
  /**
   * At start-up, before anything writes: removes (through `removeBlob`) every journaled blob that
   * its row does not point at, and empties the journal.
   */
  resolvePendingBlobs(removeBlob: (blobName: string) => Promise<void>): Promise<{ entries: number; removed: number }>;
}

export function toRecord(row: StoredObject): ObjectRecord {
  return {
    bucketId: row.bucketId,
    key: row.key,
    size: Number(row.size),
    etag: row.etag,
    storageClass: row.storageClass,
    httpMeta: JSON.parse(row.httpMeta) as Record<string, string>,
    userMeta: JSON.parse(row.userMeta) as Record<string, string>,
    sourceUrl: row.sourceUrl,
    blobName: row.blobName,
    lastModified: row.lastModified,
  };
}

export class PrismaObjectRepository implements ObjectRepository, CheckedRows, CheckedJournal {
  private readonly journal: WriteJournal;

  constructor(private readonly db: () => PrismaClient) {
    this.journal = new WriteJournal(db);
  }

  async find(bucketId: number, key: string): Promise<ObjectRecord | null> {
    // findFirst, not findUnique: concurrent findUnique calls are batched into one query, which
    // fails past SQLite's parameter limit under load (P2029).
    const row = await this.db().storedObject.findFirst({ where: { bucketId, key } });
    return row ? toRecord(row) : null;
  }

  beginBlob(blob: PendingBlob): Promise<number> {
    return this.journal.begin(blob);
  }

  endBlob(pending: number): Promise<void> {
    return this.journal.end(pending);
  }

  async save(object: NewObjectRow, { pending, onlyIfAbsent, replaceExisting = false }: SaveOptions): Promise<{ record: ObjectRecord; replaced: JournaledBlob | null } | null> {
    const data = {
      size: BigInt(object.size),
      etag: object.etag,
      storageClass: object.storageClass,
      httpMeta: JSON.stringify(object.httpMeta),
      userMeta: JSON.stringify(object.userMeta),
      sourceUrl: object.sourceUrl,
      blobName: object.blobName,
      lastModified: new Date(),
    };
    const where = { bucketId_key: { bucketId: object.bucketId, key: object.key } };
    return this.db().$transaction(async (tx) => {
      const previous = await tx.storedObject.findUnique({ where, select: { blobName: true } });
      if (onlyIfAbsent && ((previous && !replaceExisting) || !onlyIfAbsent())) return null;
      const row = await tx.storedObject.upsert({ where, create: { bucketId: object.bucketId, key: object.key, ...data }, update: data });
      const dropped = previous && previous.blobName !== object.blobName ? previous.blobName : null;
      const droppedEntry = await WriteJournal.inTransaction(tx, {
        settled: pending,
        dropped: dropped === null ? null : { bucketId: object.bucketId, key: object.key, blobName: dropped },
      });
      return { record: toRecord(row), replaced: dropped === null ? null : { blobName: dropped, pending: droppedEntry! } };
    });
  }

  /**
   * No interactive transaction here: a delete must work on a full disk, and it needs none.
   * (A failed COMMIT no longer wedges the client, lib/db/sqlite-adapter.ts, but fewer writes on a
   * full disk is still better.) Journaling the blob first is safe on its own: until the row is
   * gone, start-up keeps a blob its row points at.
   */
  async delete(bucketId: number, key: string): Promise<JournaledBlob | null> {
    for (;;) {
      const row = await this.db().storedObject.findFirst({ where: { bucketId, key }, select: { id: true, blobName: true } });
      if (!row) return null;
      const pending = await this.journal.begin({ bucketId, key, blobName: row.blobName });
      const { count } = await this.db().storedObject.deleteMany({ where: { id: row.id, blobName: row.blobName } });
      if (count === 1) return { blobName: row.blobName, pending };
      // Replaced or deleted meanwhile: the other write owns that blob; look again.
      void this.journal.end(pending);
    }
  }

  /** No interactive transaction, for the reason given at delete(); see deleteKeys in the interface for why this is safe. */
  async deleteKeys(bucketId: number, keys: string[]): Promise<{ deleted: string[]; blobs: JournaledBlob[] }> {
    if (keys.length === 0) return { deleted: [], blobs: [] };
    const rows = await this.db().storedObject.findMany({ where: { bucketId, key: { in: keys } }, select: { id: true, key: true, blobName: true } });
    if (rows.length === 0) return { deleted: [], blobs: [] };
    const entries = await this.journal.beginMany(rows.map((row) => ({ bucketId, key: row.key, blobName: row.blobName })));
    await this.db().storedObject.deleteMany({ where: { OR: rows.map((row) => ({ id: row.id, blobName: row.blobName })) } });
    // A row still there under its id was replaced by a newer write in between, which wins.
    const kept = new Set((await this.db().storedObject.findMany({ where: { id: { in: rows.map((row) => row.id) } }, select: { id: true } })).map((row) => row.id));
    return {
      deleted: rows.filter((row) => !kept.has(row.id)).map((row) => row.key),
      blobs: rows.map((row) => ({ blobName: row.blobName, pending: entries.get(row.blobName)! })),
    };
  }

  /** Keys after `marker` that start with `prefix`, rolled up at `delimiter`, in UTF-8 byte order (see list-page.ts). */
  list(bucketId: number, options: ListOptions): Promise<ListPage> {
    return listPage(this.listReader, bucketId, options);
  }

  /** Rows in key order: SQLite compares TEXT with memcmp over UTF-8, which is the listing's byte order. */
  private readonly listReader: ListReader<ListedObject> = {
    entriesFrom: async (bucketId, start, limit) => {
      const rows = await this.db().storedObject.findMany({
        where: { bucketId, key: start.inclusive ? { gte: start.key } : { gt: start.key } },
        orderBy: { key: "asc" },
        take: limit,
        select: { key: true, size: true, etag: true, storageClass: true, lastModified: true, sourceUrl: true, httpMeta: true },
      });
      return rows.map(({ httpMeta, ...row }) => ({ ...row, size: Number(row.size), contentType: storedContentType(httpMeta) }));
    },
  };

  count(bucketId: number): Promise<number> {
    return this.db().storedObject.count({ where: { bucketId } });
  }

  resolvePendingBlobs(removeBlob: (blobName: string) => Promise<void>): Promise<{ entries: number; removed: number }> {
    return this.journal.resolve(async (bucketId, key) => (await this.find(bucketId, key))?.blobName ?? null, removeBlob);
  }

  // The consistency check (npm run fsck) walks rows by blob name, on the blobName index.

  blobReferences(prefix: string, after: string, limit: number): Promise<{ id: number; blobName: string }[]> {
    const end = prefixSuccessor(prefix);
    return this.db().storedObject.findMany({
      where: { AND: [{ blobName: { gte: prefix, ...(end === null ? {} : { lt: end }) } }, { blobName: { gt: after } }] },
      orderBy: { blobName: "asc" },
      take: limit,
      select: { id: true, blobName: true },
    });
  }

  async isReferenced(blobName: string): Promise<boolean> {
    return (await this.db().storedObject.count({ where: { blobName } })) > 0;
  }

  async deleteIfBlob(id: number, blobName: string): Promise<boolean> {
    return (await this.db().storedObject.deleteMany({ where: { id, blobName } })).count === 1;
  }

  isPending(blobName: string): Promise<boolean> {
    return this.journal.isPending(blobName);
  }

  pending(): Promise<{ createdAt: Date }[]> {
    return this.journal.pending();
  }
}
