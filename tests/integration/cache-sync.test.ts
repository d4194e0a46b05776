/**
 * Coherent caches across instances, against the real (migrated) database: two "instances" (two
 * Prisma clients on one database file, each with its own cached repository) and the change log that
 * keeps one's cache right after the other's writes. One poll that starts after a commit is enough
 * (the bound is therefore CACHE_SYNC_MS plus one query), and a change that commits after one with a
 * higher number (PostgreSQL's sequences) is not skipped. Write-journal entries of a live instance
 * survive another's start-up resolution.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { createPrismaClient } from "@/lib/db/create-client";
import { env } from "@/lib/env";
import { CacheSync } from "@/lib/fleet/cache-sync";
import { PrismaClient } from "@/lib/generated/prisma/client";
import { LruCache } from "@/lib/objects/lru";
import type { ObjectRecord } from "@/lib/objects/object-meta";
import { CachedObjectRepository } from "@/lib/objects/object-cache";
import { PrismaObjectRepository } from "@/lib/objects/object-repository";

const clients = [0, 1].map(() => createPrismaClient(env().database));
const [writerDb, readerDb] = clients as [PrismaClient, PrismaClient];
const writer = new CachedObjectRepository(new PrismaObjectRepository(() => writerDb, "writer"), new LruCache<string, ObjectRecord | null>(1 << 20, () => 100));
const reader = new CachedObjectRepository(new PrismaObjectRepository(() => readerDb, "reader"), new LruCache<string, ObjectRecord | null>(1 << 20, () => 100));
const forgotten: string[] = [];
const sync = new CacheSync(
  () => readerDb,
  {
    object: (bucketId, key) => {
      forgotten.push(key);
      reader.forget(bucketId, key);
    },
    bucket: () => undefined,
    rules: () => undefined,
    accessKey: () => undefined,
    all: () => reader.forgetAll(),
  },
  // Polled by hand here (syncNow), never by the interval.
  { intervalMs: 3_600_000, onError: (error) => void error },
);
let bucketId = 0;

const row = (key: string, blobName: string) => ({ bucketId, key, size: 1, etag: "e", storageClass: "STANDARD", httpMeta: {}, userMeta: {}, checksums: {}, sourceUrl: null, blobName });

beforeAll(async () => {
  bucketId = (await writerDb.bucket.create({ data: { name: "cache-sync", zoneType: "SINGLE_AZ", defaultStorageClass: "STANDARD" } })).id;
  await sync.start();
});
afterAll(async () => {
  await sync.close();
  await Promise.all(clients.map((client) => client.$disconnect()));
});

it("forgets a row another instance replaced or deleted at the first poll after the commit", async () => {
  await writer.save(row("k", "blob-1"), {});
  expect((await reader.find(bucketId, "k"))?.blobName).toBe("blob-1");

  await writer.save(row("k", "blob-2"), {});
  // Cached: the reader has not polled yet.
  expect((await reader.find(bucketId, "k"))?.blobName).toBe("blob-1");
  await sync.syncNow();
  expect((await reader.find(bucketId, "k"))?.blobName).toBe("blob-2");

  await writer.delete(bucketId, "k");
  await sync.syncNow();
  expect(await reader.find(bucketId, "k")).toBeNull();
});

it("applies a change that commits after one with a higher number", async () => {
  const last = (await writerDb.cacheChange.findFirstOrThrow({ orderBy: { seq: "desc" } })).seq;
  await writer.save(row("early", "blob-e1"), {});
  await writer.save(row("late", "blob-l1"), {});
  expect((await reader.find(bucketId, "early"))?.blobName).toBe("blob-e1");
  expect((await reader.find(bucketId, "late"))?.blobName).toBe("blob-l1");
  await sync.syncNow();
  forgotten.length = 0;

  // Two writes whose numbers were taken in one order and committed in the other: the second number first.
  await writerDb.storedObject.update({ where: { bucketId_key: { bucketId, key: "late" } }, data: { blobName: "blob-l2" } });
  await writerDb.cacheChange.create({ data: { seq: last + 6, scope: "object", bucketId, name: "late" } });
  await sync.syncNow();
  expect(forgotten).toEqual(["late"]);
  expect((await reader.find(bucketId, "late"))?.blobName).toBe("blob-l2");

  await writerDb.storedObject.update({ where: { bucketId_key: { bucketId, key: "early" } }, data: { blobName: "blob-e2" } });
  await writerDb.cacheChange.create({ data: { seq: last + 5, scope: "object", bucketId, name: "early" } });
  await sync.syncNow();
  expect(forgotten).toEqual(["late", "early"]);
  expect((await reader.find(bucketId, "early"))?.blobName).toBe("blob-e2");
});

it("resolves only the write-journal entries of instances that are not alive", async () => {
  const removed: string[] = [];
  // What the writes above journaled (their replaced blobs) is not this test's business.
  await writerDb.pendingWrite.deleteMany();
  await writer.beginBlob({ bucketId, key: "w", blobName: "writer-in-flight" });
  await readerDb.pendingWrite.create({ data: { bucketId, key: "d", blobName: "dead-in-flight", instanceId: "gone" } });
  await readerDb.pendingWrite.create({ data: { bucketId, key: "legacy", blobName: "from-before-instances" } });

  // The reader starts while the writer is alive: the writer's write in progress stays.
  await reader.resolvePendingBlobs(async (name) => void removed.push(name), new Set(["reader", "writer"]));
  expect(removed.sort()).toEqual(["dead-in-flight", "from-before-instances"]);
  expect((await readerDb.pendingWrite.findMany({ select: { blobName: true } })).map((entry) => entry.blobName)).toEqual(["writer-in-flight"]);
});
