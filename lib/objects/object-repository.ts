/**
 * Object metadata: the one place that reads and writes StoredObject rows. `PrismaObjectRepository`
 * talks to the database; `CachedObjectRepository` (object-cache.ts) wraps it with the hot cache.
 * No bytes here: blobs are the object service's business.
 */
import type { PrismaClient, StoredObject } from "@/lib/generated/prisma/client";
import { listPage, type EntryPage, type ListOptions, type ListReader } from "./list-page";
import type { ObjectRecord } from "./object-meta";

export type NewObjectRow = Omit<ObjectRecord, "lastModified">;

export type { ListOptions };

export type ListPage = EntryPage<ObjectRecord>;

export interface ObjectRepository {
  find(bucketId: number, key: string): Promise<ObjectRecord | null>;
  /**
   * Inserts or replaces the row of `row.key`, in one transaction. With `onlyIfAbsent`, stores only
   * when no row exists and `onlyIfAbsent()` still holds at that moment; returns null otherwise.
   * `replacedBlob` is the blob of the row it replaced, for the caller to remove.
   */
  save(row: NewObjectRow, onlyIfAbsent?: () => boolean): Promise<{ record: ObjectRecord; replacedBlob: string | null } | null>;
  /** Deletes the row; returns its blob name, or null when there was none. */
  delete(bucketId: number, key: string): Promise<string | null>;
  list(bucketId: number, options: ListOptions): Promise<ListPage>;
  /** Every row's id and blob name (consistency checks). */
  blobReferences(): Promise<{ id: number; blobName: string }[]>;
  deleteRows(ids: number[]): Promise<void>;
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

export class PrismaObjectRepository implements ObjectRepository {
  constructor(private readonly db: () => PrismaClient) {}

  async find(bucketId: number, key: string): Promise<ObjectRecord | null> {
    // findFirst, not findUnique: concurrent findUnique calls are batched into one query, which
    // fails past SQLite's parameter limit under load (P2029).
    const row = await this.db().storedObject.findFirst({ where: { bucketId, key } });
    return row ? toRecord(row) : null;
  }

  async save(object: NewObjectRow, onlyIfAbsent?: () => boolean): Promise<{ record: ObjectRecord; replacedBlob: string | null } | null> {
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
      if (onlyIfAbsent && (previous || !onlyIfAbsent())) return null;
      const row = await tx.storedObject.upsert({ where, create: { bucketId: object.bucketId, key: object.key, ...data }, update: data });
      return { record: toRecord(row), replacedBlob: previous && previous.blobName !== object.blobName ? previous.blobName : null };
    });
  }

  async delete(bucketId: number, key: string): Promise<string | null> {
    const row = await this.db().storedObject.findFirst({ where: { bucketId, key }, select: { id: true, blobName: true } });
    if (!row) return null;
    // deleteMany: a concurrent delete of the same row is not an error.
    await this.db().storedObject.deleteMany({ where: { id: row.id } });
    return row.blobName;
  }

  /** Keys after `marker` that start with `prefix`, rolled up at `delimiter`, in UTF-8 byte order (see list-page.ts). */
  list(bucketId: number, options: ListOptions): Promise<ListPage> {
    return listPage(this.listReader, bucketId, options);
  }

  /** Rows in key order: SQLite compares TEXT with memcmp over UTF-8, which is the listing's byte order. */
  private readonly listReader: ListReader<ObjectRecord> = {
    entriesFrom: async (bucketId, start, limit) => {
      const rows = await this.db().storedObject.findMany({
        where: { bucketId, key: start.inclusive ? { gte: start.key } : { gt: start.key } },
        orderBy: { key: "asc" },
        take: limit,
      });
      return rows.map(toRecord);
    },
  };

  blobReferences(): Promise<{ id: number; blobName: string }[]> {
    return this.db().storedObject.findMany({ select: { id: true, blobName: true } });
  }

  async deleteRows(ids: number[]): Promise<void> {
    if (ids.length > 0) await this.db().storedObject.deleteMany({ where: { id: { in: ids } } });
  }
}
