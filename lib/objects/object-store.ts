/**
 * Objects: metadata rows through Prisma, bytes through the BlobStore. The only writer of objects.
 * A commit renames the fsynced temporary file into place, then upserts the row, then removes the
 * replaced blob, so at any crash point no row points at a missing or partial file (reconcile()
 * removes what a crash leaves behind).
 */
import { db } from "@/lib/db/client";
import { env } from "@/lib/env";
import type { StoredObject } from "@/lib/generated/prisma/client";
import { BlobStore, type TempFile } from "./blob-store";
import { hotCaches, objectCacheKey } from "./hot-cache";
import { isStorageFull } from "./storage-full";
import type { ObjectRecord } from "./object-meta";

const holder = globalThis as typeof globalThis & { __bosBlobStore?: BlobStore };

export function blobStore(): BlobStore {
  holder.__bosBlobStore ??= new BlobStore(env().dataDir);
  return holder.__bosBlobStore;
}

function toRecord(row: StoredObject): ObjectRecord {
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

export async function findObject(bucketId: number, key: string): Promise<ObjectRecord | null> {
  const cache = hotCaches().objects;
  const cacheKey = objectCacheKey(bucketId, key);
  const cached = cache.get(cacheKey);
  if (cached !== undefined) return cached;
  // findFirst, not findUnique: concurrent findUnique calls are batched into one query, which
  // fails past SQLite's parameter limit under load (P2029).
  const row = await db().storedObject.findFirst({ where: { bucketId, key } });
  const record = row ? toRecord(row) : null;
  cache.set(cacheKey, record);
  return record;
}

export type NewObject = Omit<ObjectRecord, "blobName" | "lastModified">;

/**
 * A back-to-origin fetch's claim on a key: any client write or delete of that key after the miss
 * supersedes it, so the older origin copy is never committed over a newer write (or undoes a delete).
 */
export interface MissWatch {
  readonly superseded: boolean;
  release(): void;
}

interface WatchState {
  superseded: boolean;
}

const watchHolder = globalThis as typeof globalThis & { __bosMissWatches?: Map<string, Set<WatchState>> };
const missWatches = () => (watchHolder.__bosMissWatches ??= new Map());

/** Registers a miss of `key`; call before looking at the origin, release when the fetch settles. */
export function watchMiss(bucketId: number, key: string): MissWatch {
  const id = objectCacheKey(bucketId, key);
  const state: WatchState = { superseded: false };
  const set = missWatches().get(id) ?? new Set();
  set.add(state);
  missWatches().set(id, set);
  return {
    get superseded() {
      return state.superseded;
    },
    release() {
      set.delete(state);
      if (set.size === 0 && missWatches().get(id) === set) missWatches().delete(id);
    },
  };
}

/** A client write or delete of `key` starts: every fetch that missed it before loses. */
function supersedeMisses(bucketId: number, key: string): void {
  for (const state of missWatches().get(objectCacheKey(bucketId, key)) ?? []) state.superseded = true;
}

/**
 * Stores a complete, verified blob as object `key`, replacing any previous version. With `miss`
 * (a back-to-origin commit) it stores only if the key is still absent and no client wrote or
 * deleted it since the miss, in one transaction, and returns null otherwise.
 */
export async function commitObject(temp: TempFile, object: NewObject, miss?: MissWatch): Promise<ObjectRecord | null> {
  if (!miss) supersedeMisses(object.bucketId, object.key);
  const store = blobStore();
  const blobName = store.newBlobName(object.bucketId, object.key);
  await store.commitTemp(temp, blobName);
  let saved: ObjectRecord | null;
  try {
    saved = await saveRow(object, blobName, miss);
  } catch (error) {
    // No row points at the blob: remove it now rather than leave it until a restart.
    await store.removeBlob(blobName).catch(() => undefined);
    throw error;
  }
  if (!saved) await store.removeBlob(blobName);
  return saved;
}

async function saveRow(object: NewObject, blobName: string, miss?: MissWatch): Promise<ObjectRecord | null> {
  const data = {
    size: BigInt(object.size),
    etag: object.etag,
    storageClass: object.storageClass,
    httpMeta: JSON.stringify(object.httpMeta),
    userMeta: JSON.stringify(object.userMeta),
    sourceUrl: object.sourceUrl,
    blobName,
    lastModified: new Date(),
  };
  const where = { bucketId_key: { bucketId: object.bucketId, key: object.key } };
  const result = await db().$transaction(async (tx) => {
    const previous = await tx.storedObject.findUnique({ where, select: { blobName: true } });
    if (miss && (previous || miss.superseded)) return null;
    const row = await tx.storedObject.upsert({ where, create: { bucketId: object.bucketId, key: object.key, ...data }, update: data });
    return { previous, row };
  });
  if (!result) return null;
  const { previous, row } = result;
  const record = toRecord(row);
  hotCaches().objects.set(objectCacheKey(object.bucketId, object.key), record);
  if (previous && previous.blobName !== blobName) {
    hotCaches().content.delete(previous.blobName);
    await blobStore().removeBlob(previous.blobName);
  }
  return record;
}

export async function deleteObject(bucketId: number, key: string): Promise<boolean> {
  supersedeMisses(bucketId, key);
  const row = await db().storedObject.findFirst({ where: { bucketId, key }, select: { id: true, blobName: true } });
  if (!row) return false;
  await withSpaceReserve(() => db().storedObject.deleteMany({ where: { id: row.id } }));
  hotCaches().objects.set(objectCacheKey(bucketId, key), null);
  hotCaches().content.delete(row.blobName);
  await blobStore().removeBlob(row.blobName);
  // Best effort: put the reserve back once deletes have made room for it.
  void blobStore().ensureReserve().catch(() => undefined);
  return true;
}

/**
 * Runs a write that frees space. On a full disk it would fail like any write, so the reserve file
 * is given up and the write tried once more: deleting must work exactly when the disk is full.
 */
async function withSpaceReserve<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (!isStorageFull(error) || !(await blobStore().releaseReserve())) throw error;
    return write();
  }
}

export interface ListPage {
  objects: ObjectRecord[];
  commonPrefixes: string[];
  isTruncated: boolean;
  nextMarker: string | null;
}

/** Keys after `marker` that start with `prefix`, rolled up at `delimiter`, in UTF-8 byte order. */
export async function listObjects(bucketId: number, options: { prefix: string; delimiter: string; marker: string; maxKeys: number }): Promise<ListPage> {
  const { prefix, delimiter, maxKeys } = options;
  const objects: ObjectRecord[] = [];
  const commonPrefixes: string[] = [];
  let cursor = options.marker > prefix ? options.marker : prefix;
  let inclusive = options.marker <= prefix && prefix !== "";
  let last: string | null = null;
  for (;;) {
    const rows = await db().storedObject.findMany({
      where: { bucketId, key: inclusive ? { gte: cursor } : { gt: cursor } },
      orderBy: { key: "asc" },
      take: 500,
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
    if (rows.length < 500) return { objects, commonPrefixes, isTruncated: false, nextMarker: null };
    cursor = rows[rows.length - 1]!.key;
    inclusive = false;
  }
}

/**
 * Run at startup: removes temporary files (no write survives a restart), rows whose blob is
 * missing, and blobs no row points at.
 */
export async function reconcileStorage(): Promise<{ temps: number; rows: number; blobs: number }> {
  const store = blobStore();
  await store.init();
  const caches = hotCaches();
  caches.objects.clear();
  caches.content.clear();
  const temps = await store.clearTemps();
  const files = new Set(await store.listBlobNames());
  const rows = await db().storedObject.findMany({ select: { id: true, blobName: true } });
  const missing = rows.filter((row) => !files.has(row.blobName)).map((row) => row.id);
  if (missing.length > 0) await withSpaceReserve(() => db().storedObject.deleteMany({ where: { id: { in: missing } } }));
  const referenced = new Set(rows.map((row) => row.blobName));
  const orphans = [...files].filter((name) => !referenced.has(name));
  await Promise.all(orphans.map((name) => store.removeBlob(name)));
  await store.ensureReserve();
  return { temps, rows: missing.length, blobs: orphans.length };
}
