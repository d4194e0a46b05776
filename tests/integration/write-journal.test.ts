/** The write journal against the real (migrated) database: entries in and out of transactions, start-up resolution. */
import { directSql } from "@/lib/db/direct-sql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPrismaClient } from "@/lib/db/create-client";
import { env } from "@/lib/env";
import { WriteJournal } from "@/lib/objects/write-journal";

const prisma = createPrismaClient(env().database);
const journal = new WriteJournal(() => prisma);
let bucketId = 0;

const blobOf = async (bucket: number, key: string) =>
  (await prisma.storedObject.findFirst({ where: { bucketId: bucket, key }, select: { blobName: true } }))?.blobName ?? null;
/** What the repository answers at start-up: does an object row, a segment or a multipart part point at the blob? */
const isReferenced = async (blobName: string) =>
  (await prisma.storedObject.count({ where: { blobName } })) + (await prisma.objectSegment.count({ where: { blobName } })) + (await prisma.multipartPart.count({ where: { blobName } })) > 0;
const row = (key: string, blobName: string) => ({ bucketId, key, size: 1n, etag: "x", storageClass: "STANDARD", blobName });

beforeAll(async () => {
  bucketId = (await prisma.bucket.create({ data: { name: "journal", zoneType: "SINGLE_AZ", defaultStorageClass: "STANDARD" } })).id;
});
afterAll(() => prisma.$disconnect());

describe("WriteJournal", () => {
  it("begins entries with every field, in order of their ids, and ends many in batches", async () => {
    const owned = new WriteJournal(() => prisma, "instance-j");
    const before = Date.now();
    const ids: number[] = [];
    for (let i = 0; i < 150; i++) ids.push(await owned.begin({ bucketId, key: `batch/${i}`, blobName: `b${i}` }));
    expect(ids.every((id, i) => i === 0 || id > ids[i - 1]!)).toBe(true);
    const first = await prisma.pendingWrite.findUniqueOrThrow({ where: { id: ids[0]! } });
    expect(first).toMatchObject({ bucketId, key: "batch/0", blobName: "b0", instanceId: "instance-j" });
    expect(first.createdAt.getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(first.createdAt.getTime()).toBeLessThanOrEqual(Date.now() + 1000);
    // 150 ended in one turn: past one batch of 100.
    await Promise.all(ids.slice(0, 149).map((id) => owned.end(id)));
    expect((await owned.pending()).map((entry) => entry.blobName)).toEqual(["b149"]);
    await owned.end(ids[149]!);
    expect(await owned.pending()).toEqual([]);
  });

  it("settles a new blob and records the replaced one in the row's transaction", async () => {
    await prisma.storedObject.create({ data: row("k", "old") });
    const id = await journal.begin({ bucketId, key: "k", blobName: "new" });
    expect(await journal.isPending("new")).toBe(true);

    const [dropped] = await prisma.$transaction(async (tx) => {
      await tx.storedObject.update({ where: { bucketId_key: { bucketId, key: "k" } }, data: { blobName: "new" } });
      return WriteJournal.inTransaction(directSql(prisma).within(tx), { settled: id, dropped: [{ bucketId, key: "k", blobName: "old" }] });
    });
    expect((await journal.pending()).map((entry) => entry.blobName)).toEqual(["old"]);

    await journal.end(dropped!);
    expect(await journal.pending()).toEqual([]);
  });

  it("rolls the journal back with the row when the transaction fails", async () => {
    const id = await journal.begin({ bucketId, key: "k", blobName: "newer" });
    await expect(
      prisma.$transaction(async (tx) => {
        await WriteJournal.inTransaction(directSql(prisma).within(tx), { settled: id, dropped: [{ bucketId, key: "k", blobName: "new" }] });
        throw new Error("the row could not be saved");
      }),
    ).rejects.toThrow("could not be saved");
    expect((await journal.pending()).map((entry) => entry.blobName)).toEqual(["newer"]);
    await journal.end(id);
  });

  it("resolves entries at start-up: a blob stays only when a row points at it (an object, a segment, a multipart part)", async () => {
    await prisma.storedObject.create({ data: row("kept", "kept-blob") });
    const composite = await prisma.storedObject.create({ data: { ...row("composite", "segment-0"), blobCount: 2 } });
    await prisma.objectSegment.createMany({ data: [0, 1].map((position) => ({ objectId: composite.id, position, blobName: `segment-${position}`, size: 1n })) });
    const upload = await prisma.multipartUpload.create({ data: { uploadId: "u", bucketId, key: "upload", storageClass: "STANDARD" } });
    await prisma.multipartPart.create({ data: { uploadId: upload.id, partNumber: 1, size: 1n, etag: "x", blobName: "part-blob" } });
    await journal.begin({ bucketId, key: "composite", blobName: "segment-1" });
    await journal.begin({ bucketId, key: "upload", blobName: "part-blob" });
    // A crash after the commit of "kept" but before its entry could go can only come from a
    // failed end(); the others: a blob made visible before its row, and a replaced one.
    await journal.begin({ bucketId, key: "kept", blobName: "kept-blob" });
    await journal.begin({ bucketId, key: "never-saved", blobName: "orphan-1" });
    await journal.begin({ bucketId, key: "kept", blobName: "replaced-blob" });
    const extra = Array.from({ length: 110 }, (_, i) => ({ bucketId, key: `bulk/${i}`, blobName: `bulk-${i}` }));
    for (const entry of extra) await journal.begin(entry);

    const removed: string[] = [];
    const result = await journal.resolve(isReferenced, async (name) => void removed.push(name));
    expect(result).toEqual({ entries: 115, removed: 112 });
    expect(removed.slice(0, 2)).toEqual(["orphan-1", "replaced-blob"]);
    expect(removed).not.toContain("kept-blob");
    expect(removed).not.toContain("segment-1");
    expect(removed).not.toContain("part-blob");
    expect(await journal.pending()).toEqual([]);
    expect(await blobOf(bucketId, "kept")).toBe("kept-blob");
  });
});
