/**
 * The direct statements (lib/db/direct-sql.ts) against the real, migrated database, on SQLite and
 * on PostgreSQL: the object's row reads back exactly as Prisma reads it (every column, large sizes,
 * null and set source URLs, dates to the millisecond), the fetch lease's states, and the client's
 * shared connection surviving a $disconnect.
 */
import { describe, expect, it } from "vitest";
import { directSql } from "@/lib/db/direct-sql";
import { PrismaFetchLeases } from "@/lib/fleet/fetch-leases";
import { PrismaObjectRepository, toRecord } from "@/lib/objects/object-repository";
import { clientWithBucket } from "../support/bucket-row";

const { prisma, bucket } = clientWithBucket("direct-sql");
const repository = new PrismaObjectRepository(() => prisma);

describe("the object's row", () => {
  it("reads every column as Prisma does", async () => {
    const rows = [
      { key: "plain", size: 5n, sourceUrl: null, lastModified: new Date("2026-11-27T21:15:07.123Z") },
      { key: "big/ü 😀?x=1&y", size: 6n * 1024n ** 4n + 7n, sourceUrl: "https://origin.example/a?b=1", lastModified: new Date("1999-12-31T23:59:59.999Z") },
    ];
    for (const row of rows) {
      await prisma.storedObject.create({
        data: {
          bucketId: bucket.id,
          ...row,
          etag: "0123456789abcdef0123456789abcdef",
          storageClass: "STANDARD_IA",
          httpMeta: JSON.stringify({ "content-type": "text/plain; charset=utf-8" }),
          userMeta: JSON.stringify({ owner: "ops" }),
          checksums: JSON.stringify({ crc32: "AAAAAA==" }),
          blobName: `blob-${row.key.length}`,
        },
      });
      const viaPrisma = await prisma.storedObject.findFirstOrThrow({ where: { bucketId: bucket.id, key: row.key } });
      const direct = await repository.find(bucket.id, row.key);
      expect(direct).toEqual(toRecord(viaPrisma));
      expect(direct!.lastModified.toISOString()).toBe(row.lastModified.toISOString());
      expect(direct!.size).toBe(Number(row.size));
    }
    expect(await repository.find(bucket.id, "absent")).toBeNull();
    // Keys are compared exactly: no case folding, no LIKE patterns.
    expect(await repository.find(bucket.id, "PLAIN")).toBeNull();
    expect(await repository.find(bucket.id, "pla%")).toBeNull();
  });

  it("reads an object stored as several blobs with its segments", async () => {
    const object = await prisma.storedObject.create({
      data: { bucketId: bucket.id, key: "multi", size: 10n, etag: "x-2", storageClass: "STANDARD", blobName: "seg-0", blobCount: 2 },
    });
    await prisma.objectSegment.createMany({
      data: [
        { objectId: object.id, position: 0, blobName: "seg-0", size: 6n },
        { objectId: object.id, position: 1, blobName: "seg-1", size: 4n },
      ],
    });
    expect((await repository.find(bucket.id, "multi"))!.segments).toEqual([
      { blobName: "seg-0", size: 6 },
      { blobName: "seg-1", size: 4 },
    ]);
  });
});

describe("the fetch lease", () => {
  let clock = Date.now();
  const leases = new PrismaFetchLeases(() => prisma, { id: "instance-a", leaseMs: 30_000, now: () => new Date(clock) });
  const other = new PrismaFetchLeases(() => prisma, { id: "instance-b", leaseMs: 30_000, now: () => new Date(clock) });

  it("is taken once, looked at, ended, taken again, and given up", async () => {
    const first = await leases.acquire(bucket.id, "k");
    expect(first).not.toBeNull();
    expect(await other.acquire(bucket.id, "k")).toBeNull();
    expect(await other.look(bucket.id, "k")).toEqual({ token: first!.token, expired: false, ended: null });
    const row = await prisma.fetchLease.findUniqueOrThrow({ where: { bucketId_key: { bucketId: bucket.id, key: "k" } } });
    expect(row).toMatchObject({ owner: "instance-a", token: first!.token, outcome: null, reason: null, superseded: false });
    expect(row.expiresAt.getTime()).toBe(clock + 30_000);

    // A release under another token changes nothing.
    await other.release(bucket.id, "k", "not-the-token", null);
    expect(await prisma.fetchLease.count({ where: { bucketId: bucket.id, key: "k" } })).toBe(1);

    await leases.release(bucket.id, "k", first!.token, { outcome: "missing", reason: '["https://o/k"]' });
    expect(await other.look(bucket.id, "k")).toEqual({ token: first!.token, expired: true, ended: { outcome: "missing", reason: '["https://o/k"]' } });

    const second = await other.acquire(bucket.id, "k");
    expect(second).not.toBeNull();
    expect(await leases.look(bucket.id, "k")).toEqual({ token: second!.token, expired: false, ended: null });
    clock += 30_001;
    expect((await leases.look(bucket.id, "k"))!.expired).toBe(true);
    const third = await leases.acquire(bucket.id, "k");
    expect(third).not.toBeNull();

    await leases.release(bucket.id, "k", third!.token, null);
    expect(await leases.look(bucket.id, "k")).toBeNull();
    expect(await prisma.fetchLease.count({ where: { bucketId: bucket.id, key: "k" } })).toBe(0);
  });

  it("lets exactly one of many concurrent acquisitions through", async () => {
    const taken = await Promise.all(Array.from({ length: 12 }, (_, i) => (i % 2 ? leases : other).acquire(bucket.id, "race")));
    expect(taken.filter(Boolean)).toHaveLength(1);
  });
});

describe("the shared connection", () => {
  it("reports a statement's failure as the driver's error, and works again after $disconnect", async () => {
    const sql = directSql(prisma);
    await expect(sql.query('SELECT "nope" FROM "StoredObject"', [])).rejects.toThrow();
    const insert = 'INSERT INTO "FetchLease" ("bucketId", "key", "owner", "token", "expiresAt", "superseded") VALUES (?, ?, ?, ?, ?, ?)';
    await sql.execute(insert, [bucket.id, "dup", "x", "t", new Date(), false]);
    await expect(sql.execute(insert, [bucket.id, "dup", "x", "t", new Date(), false])).rejects.toMatchObject({ cause: { kind: "UniqueConstraintViolation" } });

    await prisma.$disconnect();
    expect(await repository.find(bucket.id, "plain")).toMatchObject({ key: "plain", size: 5 });
    expect(await prisma.storedObject.count({ where: { bucketId: bucket.id } })).toBeGreaterThan(0);
  });
});
