/**
 * Object metadata: the one place that reads and writes StoredObject rows (and the segments of an
 * object stored as several blobs), and the write journal (write-journal.ts) that changes with them
 * in the same transactions. `PrismaObjectRepository` talks to the database;
 * `CachedObjectRepository` (object-cache.ts) wraps it with the hot cache. No bytes here: blobs are
 * the object service's business.
 */
import { recordCacheChanges } from "@/lib/fleet/cache-changes";
import { keepsFetchLease, supersedeFetchLeases } from "@/lib/fleet/fetch-leases";
import type { Prisma, PrismaClient, StoredObject } from "@/lib/generated/prisma/client";
import type { MaybePromise } from "@/lib/maybe-promise";
import type { CheckedJournal, CheckedRows } from "./consistency-check";
import { prefixSuccessor } from "./key-order";
import { listPage, type EntryPage, type ListOptions, type ListReader } from "./list-page";
import type { BlobSpan, ObjectRecord } from "./object-meta";
import { directSql, readBigInt, readDate, readInt, readOptionalString, readString, type SqlRow } from "@/lib/db/direct-sql";
import { serializable } from "@/lib/db/transactions";
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

/**
 * A step of another write that must happen in the same transaction as a save (a multipart
 * completion deletes its upload, whose part blobs become the object's): throws to abort the save,
 * and returns the blobs that no row points at once it is done, to be journaled and removed.
 */
export type SaveClaim = (tx: Prisma.TransactionClient) => Promise<PendingBlob[]>;

/**
 * A write that belongs with an object's (its audit event): made in the save's transaction, so the
 * object is not stored without it, nor it without the object; made again if the transaction is.
 */
export type SaveAlongside = (tx: Prisma.TransactionClient, record: ObjectRecord) => Promise<void>;

export interface SaveOptions {
  /** The journal entry of the new blob, settled by the save; none when the blobs are rows' already. */
  pending?: number | null;
  onlyIfAbsent?: () => boolean;
  /**
   * With `onlyIfAbsent` (a back-to-origin commit): the key's fetch lease it was fetched under; the
   * save stores only while that lease is still its own and no client wrote or deleted the key on
   * any instance since (keepsFetchLease). Null: a fetch outside the lease table (tests, tools).
   */
  leaseToken?: string | null;
  /** With `onlyIfAbsent`: an existing row does not stop the save, only `onlyIfAbsent()` decides (an import's overwrite). */
  replaceExisting?: boolean;
  claim?: SaveClaim;
  alongside?: SaveAlongside;
}

/** What an import asks of a stored key (lib/imports/import-run.ts): was it there, and was it mirrored since the job started? */
export type StoredKey = Pick<ObjectRecord, "size" | "sourceUrl" | "lastModified">;

export interface ObjectRepository {
  /** A cache in front answers with the row itself (lib/maybe-promise.ts); the database with a promise. */
  find(bucketId: number, key: string): MaybePromise<ObjectRecord | null>;
  /** Which of `keys` the bucket holds, read from the database in one query (never from a cache). */
  findKeys(bucketId: number, keys: readonly string[]): Promise<Map<string, StoredKey>>;
  /** As `find`, never answered from a cache (object-cache.ts). */
  findFresh(bucketId: number, key: string): Promise<ObjectRecord | null>;
  /** Records a new blob in the write journal before it becomes visible; returns the entry. */
  beginBlob(blob: PendingBlob): Promise<number>;
  /** Ends a journal entry once its blob is removed (best effort, batched, not awaited by callers). */
  endBlob(pending: number): Promise<void>;
  /**
   * Inserts or replaces the row of `row.key` (and its segments), settling its blob's journal entry
   * `pending` and running `claim`, in one transaction. With `onlyIfAbsent`, stores only when no row
   * exists and `onlyIfAbsent()` still holds at that moment; returns null otherwise (and leaves
   * `pending` to the caller); with `replaceExisting` too, an existing row does not stop it. `replaced` are the blobs no row points at any more (the replaced
   * row's, and what `claim` returned), journaled, for the caller to remove.
   */
  save(row: NewObjectRow, options: SaveOptions): Promise<{ record: ObjectRecord; replaced: JournaledBlob[] } | null>;
  /** Deletes the row; returns its blobs, journaled, or null when there was none. */
  delete(bucketId: number, key: string): Promise<JournaledBlob[] | null>;
  /**
   * Deletes the rows of several keys in a few writes, however many: returns the keys deleted, and
   * the blobs of every row it found (every segment of an object stored as several), journaled, for
   * the caller to remove (a row that a newer write replaced meanwhile is kept; removing its old
   * blobs as well is harmless, as blob names are never reused and removing is idempotent).
   */
  deleteKeys(bucketId: number, keys: string[]): Promise<{ deleted: string[]; blobs: JournaledBlob[] }>;
  list(bucketId: number, options: ListOptions): Promise<ListPage>;
  /** How many objects the bucket holds. */
  count(bucketId: number): Promise<number>;
  /**
   * At start-up, before this instance writes: removes (through `removeBlob`) every journaled blob
   * of an instance not in `live` that no row points at, and those entries (write-journal.ts).
   */
  resolvePendingBlobs(removeBlob: (blobName: string) => Promise<void>, live?: ReadonlySet<string>): Promise<{ entries: number; removed: number }>;
}

export function toRecord(row: StoredObject, segments?: readonly BlobSpan[] | null): ObjectRecord {
  return {
    bucketId: row.bucketId,
    key: row.key,
    size: Number(row.size),
    etag: row.etag,
    storageClass: row.storageClass,
    httpMeta: JSON.parse(row.httpMeta) as Record<string, string>,
    userMeta: JSON.parse(row.userMeta) as Record<string, string>,
    checksums: JSON.parse(row.checksums) as Record<string, string>,
    sourceUrl: row.sourceUrl,
    blobName: row.blobName,
    ...(segments && segments.length > 1 ? { segments } : {}),
    lastModified: row.lastModified,
  };
}

const OBJECT_COLUMNS = '"id", "bucketId", "key", "size", "etag", "storageClass", "httpMeta", "userMeta", "checksums", "sourceUrl", "blobName", "blobCount", "lastModified"';

const FIND_OBJECT = `SELECT ${OBJECT_COLUMNS} FROM "StoredObject" WHERE "bucketId" = ? AND "key" = ?`;

/** The row a commit replaces, if any: what its blobs are. */
const FIND_PREVIOUS = 'SELECT "id", "blobName", "blobCount" FROM "StoredObject" WHERE "bucketId" = ? AND "key" = ?';

/** A commit's row: a new one, or the key's row updated in place (its id kept), read back as FIND_OBJECT reads it. */
const UPSERT_OBJECT =
  'INSERT INTO "StoredObject" ("bucketId", "key", "size", "etag", "storageClass", "httpMeta", "userMeta", "checksums", "sourceUrl", "blobName", "blobCount", "lastModified") ' +
  "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) " +
  'ON CONFLICT ("bucketId", "key") DO UPDATE SET "size" = excluded."size", "etag" = excluded."etag", "storageClass" = excluded."storageClass", ' +
  '"httpMeta" = excluded."httpMeta", "userMeta" = excluded."userMeta", "checksums" = excluded."checksums", "sourceUrl" = excluded."sourceUrl", ' +
  `"blobName" = excluded."blobName", "blobCount" = excluded."blobCount", "lastModified" = excluded."lastModified" RETURNING ${OBJECT_COLUMNS}`;

/** A StoredObject row as FIND_OBJECT reads it. */
function storedObjectRow(row: SqlRow): StoredObject {
  return {
    id: readInt(row.id),
    bucketId: readInt(row.bucketId),
    key: readString(row.key),
    size: readBigInt(row.size),
    etag: readString(row.etag),
    storageClass: readString(row.storageClass),
    httpMeta: readString(row.httpMeta),
    userMeta: readString(row.userMeta),
    checksums: readString(row.checksums),
    sourceUrl: readOptionalString(row.sourceUrl),
    blobName: readString(row.blobName),
    blobCount: readInt(row.blobCount),
    lastModified: readDate(row.lastModified),
  };
}

type SegmentDb = Pick<Prisma.TransactionClient, "objectSegment">;

/** The blobs of an object row in order when it has several (its segments); null for one blob. */
async function segmentsOf(db: SegmentDb, row: { id: number; blobCount: number }): Promise<BlobSpan[] | null> {
  if (row.blobCount <= 1) return null;
  const segments = await db.objectSegment.findMany({ where: { objectId: row.id }, orderBy: { position: "asc" }, select: { blobName: true, size: true } });
  return segments.map((segment) => ({ blobName: segment.blobName, size: Number(segment.size) }));
}

/** A row that points at a blob, for the consistency check: an object, one of its segments, or a multipart part. */
type BlobOwner = "object" | "segment" | "part";

export class PrismaObjectRepository implements ObjectRepository, CheckedRows, CheckedJournal {
  private readonly journal: WriteJournal;

  constructor(
    private readonly db: () => PrismaClient,
    /** The instance writing: its journal entries name it (write-journal.ts). */
    instanceId: string | null = null,
  ) {
    this.journal = new WriteJournal(db, instanceId);
  }

  /**
   * A direct statement (lib/db/direct-sql.ts), not Prisma's findFirst: a mirror miss looks the row
   * up twice before its first byte, and Prisma compiles each query anew (~1 ms).
   */
  async find(bucketId: number, key: string): Promise<ObjectRecord | null> {
    const [found] = await directSql(this.db()).query(FIND_OBJECT, [bucketId, key]);
    if (!found) return null;
    const row = storedObjectRow(found);
    return toRecord(row, await segmentsOf(this.db(), row));
  }

  findFresh(bucketId: number, key: string): Promise<ObjectRecord | null> {
    return this.find(bucketId, key);
  }

  async findKeys(bucketId: number, keys: readonly string[]): Promise<Map<string, StoredKey>> {
    if (keys.length === 0) return new Map();
    const rows = await this.db().storedObject.findMany({
      where: { bucketId, key: { in: [...keys] } },
      select: { key: true, size: true, sourceUrl: true, lastModified: true },
    });
    return new Map(rows.map((row) => [row.key, { size: Number(row.size), sourceUrl: row.sourceUrl, lastModified: row.lastModified }]));
  }

  beginBlob(blob: PendingBlob): Promise<number> {
    return this.journal.begin(blob);
  }

  endBlob(pending: number): Promise<void> {
    return this.journal.end(pending);
  }

  async save(object: NewObjectRow, { pending = null, onlyIfAbsent, leaseToken = null, claim, replaceExisting = false, alongside }: SaveOptions): Promise<{ record: ObjectRecord; replaced: JournaledBlob[] } | null> {
    const segments = object.segments && object.segments.length > 1 ? object.segments : null;
    if (segments && segments[0]!.blobName !== object.blobName) throw new Error("an object's first segment must be its blobName");
    const data = {
      size: BigInt(object.size),
      etag: object.etag,
      storageClass: object.storageClass,
      httpMeta: JSON.stringify(object.httpMeta),
      userMeta: JSON.stringify(object.userMeta),
      checksums: JSON.stringify(object.checksums),
      sourceUrl: object.sourceUrl,
      blobName: object.blobName,
      blobCount: segments?.length ?? 1,
      lastModified: new Date(),
    };
    const db = this.db();
    // SERIALIZABLE (lib/db/transactions.ts): the previous row read here decides which blobs are
    // dropped and whether a mirror commit may go ahead (onlyIfAbsent); a concurrent commit of the
    // key must not slip in between, or its blob would be orphaned, or a client's write overwritten.
    // The statements every commit makes are raw (DirectSql.within: Prisma compiled each of the five
    // anew, ~1 ms apiece); the segments of objects stored as several blobs stay Prisma's.
    return serializable(db, async (tx) => {
      const sql = directSql(db).within(tx);
      // A client's write wins over every pull of the key in progress, on any instance; a pull's
      // commit stores only while its lease says no client wrote or deleted the key meanwhile.
      if (!onlyIfAbsent) await supersedeFetchLeases(sql, object.bucketId, [object.key]);
      else if (leaseToken !== null && !(await keepsFetchLease(sql, object.bucketId, object.key, leaseToken))) return null;
      const [found] = await sql.query(FIND_PREVIOUS, [object.bucketId, object.key]);
      const previous = found ? { id: readInt(found.id), blobName: readString(found.blobName), blobCount: readInt(found.blobCount) } : null;
      if (onlyIfAbsent && ((previous && !replaceExisting) || !onlyIfAbsent())) return null;
      const claimed = claim ? await claim(tx) : [];
      let previousBlobs: string[] = [];
      if (previous) {
        const spans = await segmentsOf(tx, previous);
        previousBlobs = spans ? spans.map((span) => span.blobName) : [previous.blobName];
        if (spans) await tx.objectSegment.deleteMany({ where: { objectId: previous.id } });
      }
      const [saved] = await sql.query(UPSERT_OBJECT, [
        object.bucketId,
        object.key,
        data.size,
        data.etag,
        data.storageClass,
        data.httpMeta,
        data.userMeta,
        data.checksums,
        data.sourceUrl,
        data.blobName,
        data.blobCount,
        data.lastModified,
      ]);
      const row = storedObjectRow(saved!);
      if (segments) {
        await tx.objectSegment.createMany({
          data: segments.map((segment, position) => ({ objectId: row.id, position, blobName: segment.blobName, size: BigInt(segment.size) })),
        });
      }
      const kept = new Set(segments ? segments.map((segment) => segment.blobName) : [object.blobName]);
      const dropped: PendingBlob[] = [
        ...previousBlobs.filter((name) => !kept.has(name)).map((blobName) => ({ bucketId: object.bucketId, key: object.key, blobName })),
        ...claimed,
      ];
      const entries = await WriteJournal.inTransaction(sql, { settled: pending, dropped });
      await recordCacheChanges(sql, [{ scope: "object", bucketId: object.bucketId, name: object.key }]);
      const record = toRecord(row, segments);
      if (alongside) await alongside(tx, record);
      return { record, replaced: dropped.map((blob, index) => ({ blobName: blob.blobName, pending: entries[index]! })) };
    });
  }

  /**
   * No interactive transaction here: a delete must work on a full disk, and it needs none.
   * (A failed COMMIT no longer wedges the client, lib/db/sqlite-adapter.ts, but fewer writes on a
   * full disk is still better.) Journaling the blobs first is safe on its own: until the row is
   * gone, start-up keeps blobs a row points at. The row's segments go with it (ON DELETE CASCADE).
   */
  async delete(bucketId: number, key: string): Promise<JournaledBlob[] | null> {
    // First, so that a pull of the key on any instance either commits before this looks for the
    // row (and the row is deleted) or finds the mark and stores nothing (fetch-leases.ts).
    await supersedeFetchLeases(directSql(this.db()), bucketId, [key]);
    for (;;) {
      const row = await this.db().storedObject.findFirst({ where: { bucketId, key }, select: { id: true, blobName: true, blobCount: true } });
      if (!row) return null;
      const names = (await segmentsOf(this.db(), row))?.map((span) => span.blobName) ?? [row.blobName];
      const entries: number[] = [];
      for (const blobName of names) entries.push(await this.journal.begin({ bucketId, key, blobName }));
      // With its change-log entry (other instances' caches), in one batch transaction.
      const [{ count }] = await this.db().$transaction([
        this.db().storedObject.deleteMany({ where: { id: row.id, blobName: row.blobName } }),
        this.db().cacheChange.create({ data: { scope: "object", bucketId, name: key } }),
      ]);
      if (count === 1) return names.map((blobName, index) => ({ blobName, pending: entries[index]! }));
      // Replaced or deleted meanwhile: the other write owns those blobs; look again.
      for (const entry of entries) void this.journal.end(entry);
    }
  }

  /** No interactive transaction, for the reason given at delete(); see deleteKeys in the interface for why this is safe. */
  async deleteKeys(bucketId: number, keys: string[]): Promise<{ deleted: string[]; blobs: JournaledBlob[] }> {
    if (keys.length === 0) return { deleted: [], blobs: [] };
    // As in delete(): pulls of these keys in progress on any instance store nothing after this.
    await supersedeFetchLeases(directSql(this.db()), bucketId, keys);
    const rows = await this.db().storedObject.findMany({ where: { bucketId, key: { in: keys } }, select: { id: true, key: true, blobName: true, blobCount: true } });
    if (rows.length === 0) return { deleted: [], blobs: [] };
    // Objects stored as several blobs: every segment goes (they cascade with the row).
    const composite = rows.filter((row) => row.blobCount > 1).map((row) => row.id);
    const segments =
      composite.length === 0
        ? []
        : await this.db().objectSegment.findMany({ where: { objectId: { in: composite } }, orderBy: [{ objectId: "asc" }, { position: "asc" }], select: { objectId: true, blobName: true } });
    const blobsOf = new Map<number, string[]>(rows.map((row) => [row.id, row.blobCount > 1 ? [] : [row.blobName]]));
    for (const segment of segments) blobsOf.get(segment.objectId)!.push(segment.blobName);
    const dropped = rows.flatMap((row) => blobsOf.get(row.id)!.map((blobName) => ({ bucketId, key: row.key, blobName })));
    const entries = await this.journal.beginMany(dropped);
    await this.db().$transaction([
      this.db().storedObject.deleteMany({ where: { OR: rows.map((row) => ({ id: row.id, blobName: row.blobName })) } }),
      this.db().cacheChange.createMany({ data: rows.map((row) => ({ scope: "object", bucketId, name: row.key })) }),
    ]);
    // A row still there under its id was replaced by a newer write in between, which wins.
    const kept = new Set((await this.db().storedObject.findMany({ where: { id: { in: rows.map((row) => row.id) } }, select: { id: true } })).map((row) => row.id));
    return {
      deleted: rows.filter((row) => !kept.has(row.id)).map((row) => row.key),
      blobs: dropped.map((blob) => ({ blobName: blob.blobName, pending: entries.get(blob.blobName)! })),
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

  resolvePendingBlobs(removeBlob: (blobName: string) => Promise<void>, live?: ReadonlySet<string>): Promise<{ entries: number; removed: number }> {
    return this.journal.resolve((blobName) => this.isReferenced(blobName), removeBlob, live);
  }

  // The consistency check (npm run fsck) walks the rows that point at blobs (objects, their further
  // segments, multipart parts) by blob name, on each table's blobName index. A reference's id is
  // "object:12", "segment:7" or "part:3".

  async blobReferences(prefix: string, after: string, limit: number): Promise<{ id: string; blobName: string }[]> {
    const end = prefixSuccessor(prefix);
    const inRange = [{ blobName: { gte: prefix, ...(end === null ? {} : { lt: end }) } }, { blobName: { gt: after } }];
    const page = { orderBy: { blobName: "asc" as const }, take: limit, select: { id: true, blobName: true } };
    const [objects, segments, parts] = await Promise.all([
      this.db().storedObject.findMany({ where: { AND: inRange }, ...page }),
      // Position 0 is the object's own blobName, counted with the object.
      this.db().objectSegment.findMany({ where: { AND: [...inRange, { position: { gt: 0 } }] }, ...page }),
      this.db().multipartPart.findMany({ where: { AND: inRange }, ...page }),
    ]);
    const tagged = (owner: BlobOwner, rows: { id: number; blobName: string }[]) => rows.map((row) => ({ id: `${owner}:${row.id}`, blobName: row.blobName }));
    return [...tagged("object", objects), ...tagged("segment", segments), ...tagged("part", parts)]
      .sort((a, b) => (a.blobName < b.blobName ? -1 : a.blobName > b.blobName ? 1 : 0))
      .slice(0, limit);
  }

  async isReferenced(blobName: string): Promise<boolean> {
    const where = { blobName };
    const counts = await Promise.all([this.db().storedObject.count({ where }), this.db().objectSegment.count({ where }), this.db().multipartPart.count({ where })]);
    return counts.some((count) => count > 0);
  }

  /**
   * Repairs a row whose blob is missing, if it still points at `blobName`: an object is deleted, and
   * so is the object a missing segment belongs to (its other blobs are then unreferenced, and the
   * next check removes them); a multipart part is deleted (completing its upload then says so).
   */
  async deleteIfBlob(id: string, blobName: string): Promise<boolean> {
    const [owner, number] = id.split(":") as [BlobOwner, string];
    const rowId = Number(number);
    switch (owner) {
      case "object":
        return (await this.db().storedObject.deleteMany({ where: { id: rowId, blobName } })).count === 1;
      case "segment": {
        const segment = await this.db().objectSegment.findFirst({ where: { id: rowId, blobName }, select: { objectId: true } });
        return segment !== null && (await this.db().storedObject.deleteMany({ where: { id: segment.objectId } })).count === 1;
      }
      case "part":
        return (await this.db().multipartPart.deleteMany({ where: { id: rowId, blobName } })).count === 1;
    }
  }

  isPending(blobName: string): Promise<boolean> {
    return this.journal.isPending(blobName);
  }

  pending(): Promise<{ createdAt: Date }[]> {
    return this.journal.pending();
  }
}
