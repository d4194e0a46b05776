/**
 * The direct statements (lib/db/direct-sql.ts) against the real, migrated database, on SQLite and
 * on PostgreSQL: the object's row reads back exactly as Prisma reads it (every column, large sizes,
 * null and set source URLs, dates to the millisecond), the fetch lease's states, a commit's
 * statements inside its transaction (DirectSql.within: the row, the journal, the change log and the
 * lease checks, read back by Prisma), and the client's shared connection surviving a $disconnect.
 */
import { describe, expect, it } from "vitest";
import { directSql } from "@/lib/db/direct-sql";
import { PrismaFetchLeases } from "@/lib/fleet/fetch-leases";
import { PrismaObjectRepository, toRecord } from "@/lib/objects/object-repository";
import { WriteJournal } from "@/lib/objects/write-journal";
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

describe("a commit's statements inside its transaction", () => {
  const object = (key: string, blobName: string, extra: Partial<{ size: number; sourceUrl: string | null }> = {}) => ({
    bucketId: bucket.id,
    key,
    size: extra.size ?? 3,
    etag: "00112233445566778899aabbccddeeff",
    storageClass: "STANDARD",
    httpMeta: { "content-type": "image/png" },
    userMeta: { team: "ö ops" },
    checksums: { sha256: "q2Vk" },
    sourceUrl: extra.sourceUrl ?? null,
    blobName,
  });

  it("writes the row, journal entries and change record that Prisma reads back field by field, and replaces in place", async () => {
    const pending = await new WriteJournal(() => prisma, "instance-a").begin({ bucketId: bucket.id, key: "saved", blobName: "b1" });
    const changesBefore = await prisma.cacheChange.count();
    const first = await repository.save(object("saved", "b1", { size: 6 * 1024 ** 4 + 1, sourceUrl: "https://o.example/saved" }), { pending });
    const viaPrisma = await prisma.storedObject.findFirstOrThrow({ where: { bucketId: bucket.id, key: "saved" } });
    expect(first!.record).toEqual(toRecord(viaPrisma));
    expect(viaPrisma).toMatchObject({ size: BigInt(6 * 1024 ** 4 + 1), blobCount: 1, httpMeta: '{"content-type":"image/png"}', userMeta: '{"team":"ö ops"}', sourceUrl: "https://o.example/saved" });
    expect(Math.abs(viaPrisma.lastModified.getTime() - Date.now())).toBeLessThan(60_000);
    // The new blob's entry settled with the row; nothing was replaced.
    expect(await prisma.pendingWrite.count({ where: { id: pending } })).toBe(0);
    expect(first!.replaced).toEqual([]);
    const change = await prisma.cacheChange.findFirstOrThrow({ orderBy: { seq: "desc" } });
    expect(change).toMatchObject({ scope: "object", bucketId: bucket.id, name: "saved" });
    expect(Math.abs(change.at.getTime() - Date.now())).toBeLessThan(60_000);
    expect(await prisma.cacheChange.count()).toBe(changesBefore + 1);
    // Prisma's own date filters see the written dates (same encoding as its writes).
    expect(await prisma.cacheChange.count({ where: { seq: change.seq, at: { gt: new Date(Date.now() - 60_000), lte: new Date(Date.now() + 60_000) } } })).toBe(1);

    // Stored as Prisma stores dates: the same text (SQLite) or value type (PostgreSQL) as a row Prisma wrote.
    await prisma.storedObject.create({ data: { bucketId: bucket.id, key: "by-prisma", size: 1n, etag: "e", storageClass: "STANDARD", blobName: "bp", lastModified: new Date("2026-11-28T01:02:03.456Z") } });
    const stored = await prisma.$queryRawUnsafe<{ key: string; text: string }[]>(
      process.env.DATABASE_URL?.startsWith("postgres")
        ? `SELECT "key", "lastModified"::text AS "text" FROM "StoredObject" WHERE "bucketId" = $1 AND "key" IN ('saved', 'by-prisma') ORDER BY "key"`
        : `SELECT "key", CAST("lastModified" AS TEXT) AS "text" FROM "StoredObject" WHERE "bucketId" = ? AND "key" IN ('saved', 'by-prisma') ORDER BY "key"`,
      bucket.id,
    );
    // Digits and the fraction of a second aside (PostgreSQL prints .45 for .450 and nothing for .000).
    const shape = (text: string) => text.replace(/\.\d+/, "").replace(/\d/g, "9");
    expect(stored.map((row) => row.key)).toEqual(["by-prisma", "saved"]);
    expect(shape(stored[1]!.text)).toBe(shape(stored[0]!.text));

    const second = await repository.save(object("saved", "b2"), { pending: null });
    const replaced = await prisma.storedObject.findFirstOrThrow({ where: { bucketId: bucket.id, key: "saved" } });
    expect(replaced.id).toBe(viaPrisma.id);
    expect(replaced).toMatchObject({ blobName: "b2", size: 3n, sourceUrl: null });
    expect(second!.record).toEqual(toRecord(replaced));
    // The blob the row stopped pointing at is journaled (no instance: anyone may remove it).
    expect(second!.replaced.map((blob) => blob.blobName)).toEqual(["b1"]);
    const entry = await prisma.pendingWrite.findUniqueOrThrow({ where: { id: second!.replaced[0]!.pending } });
    expect(entry).toMatchObject({ bucketId: bucket.id, key: "saved", blobName: "b1", instanceId: null });
    expect(Math.abs(entry.createdAt.getTime() - Date.now())).toBeLessThan(60_000);
  });

  it("a pull's commit stores only while its lease holds and is not superseded; a client's write supersedes it", async () => {
    const leases = new PrismaFetchLeases(() => prisma, { id: "instance-a", leaseMs: 30_000, now: () => new Date() });
    const lease = await leases.acquire(bucket.id, "pulled");
    expect(await repository.save(object("pulled", "p0"), { onlyIfAbsent: () => true, leaseToken: "another-token" })).toBeNull();
    expect(await repository.find(bucket.id, "pulled")).toBeNull();

    const held = await leases.acquire(bucket.id, "pulled-2");
    // A client's write of the key marks the pull in progress; the pull's commit then stores nothing.
    expect(await repository.save(object("pulled-2", "c1"), {})).not.toBeNull();
    expect((await prisma.fetchLease.findUniqueOrThrow({ where: { bucketId_key: { bucketId: bucket.id, key: "pulled-2" } } })).superseded).toBe(true);
    expect(await repository.save(object("pulled-2", "p1"), { onlyIfAbsent: () => true, leaseToken: held!.token, replaceExisting: true })).toBeNull();
    expect((await repository.find(bucket.id, "pulled-2"))!.blobName).toBe("c1");

    // The lease that holds and is not marked: the pull stores.
    const saved = await repository.save(object("pulled", "p2"), { onlyIfAbsent: () => true, leaseToken: lease!.token });
    expect(saved!.record.blobName).toBe("p2");
    // A delete marks leases of many keys at once (in statements of at most 500 keys).
    const keys = Array.from({ length: 703 }, (_, i) => `many/${i}`);
    const leased = [keys[0]!, keys[499]!, keys[500]!, keys[702]!];
    for (const key of leased) await leases.acquire(bucket.id, key);
    await repository.deleteKeys(bucket.id, keys);
    expect(await prisma.fetchLease.count({ where: { bucketId: bucket.id, key: { in: leased }, superseded: true } })).toBe(4);
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
