/**
 * Object metadata: the one place that reads and writes StoredObject rows. `PrismaObjectRepository`
 * talks to the database; `CachedObjectRepository` (object-cache.ts) wraps it with the hot cache.
 * No bytes here: blobs are the object service's business.
 */
import type { PrismaClient, StoredObject } from "@/lib/generated/prisma/client";
import type { ObjectRecord } from "./object-meta";

export type NewObjectRow = Omit<ObjectRecord, "lastModified">;

export interface ListOptions {
  prefix: string;
  delimiter: string;
  marker: string;
  maxKeys: number;
}

export interface ListPage {
  objects: ObjectRecord[];
  commonPrefixes: string[];
  isTruncated: boolean;
  nextMarker: string | null;
}

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

const LIST_BATCH = 500;

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

  /** Keys after `marker` that start with `prefix`, rolled up at `delimiter`, in UTF-8 byte order. */
  async list(bucketId: number, options: ListOptions): Promise<ListPage> {
    const { prefix, delimiter, maxKeys } = options;
    const objects: ObjectRecord[] = [];
    const commonPrefixes: string[] = [];
    let cursor = options.marker > prefix ? options.marker : prefix;
    let inclusive = options.marker <= prefix && prefix !== "";
    let last: string | null = null;
    for (;;) {
      const rows = await this.db().storedObject.findMany({
        where: { bucketId, key: inclusive ? { gte: cursor } : { gt: cursor } },
        orderBy: { key: "asc" },
        take: LIST_BATCH,
      });
      for (const row of rows) {
        if (!row.key.startsWith(prefix)) return { objects, commonPrefixes, isTruncated: false, nextMarker: null };
        const cut = delimiter ? row.key.indexOf(delimiter, prefix.length) : -1;
        const common = cut >= 0 ? row.key.slice(0, cut + delimiter.length) : null;
        // A previous page that ended on a common prefix already reported every key under it.
        if (common !== null && common === options.marker) continue;
        const isNew = common === null || common !== commonPrefixes[commonPrefixes.length - 1];
        if (isNew && objects.length + commonPrefixes.length >= maxKeys) return { objects, commonPrefixes, isTruncated: true, nextMarker: last };
        if (common !== null) {
          if (isNew) {
            commonPrefixes.push(common);
            last = common;
          }
        } else {
          objects.push(toRecord(row));
          last = row.key;
        }
      }
      if (rows.length < LIST_BATCH) return { objects, commonPrefixes, isTruncated: false, nextMarker: null };
      cursor = rows[rows.length - 1]!.key;
      inclusive = false;
    }
  }

  blobReferences(): Promise<{ id: number; blobName: string }[]> {
    return this.db().storedObject.findMany({ select: { id: true, blobName: true } });
  }

  async deleteRows(ids: number[]): Promise<void> {
    if (ids.length > 0) await this.db().storedObject.deleteMany({ where: { id: { in: ids } } });
  }
}
