/**
 * The consistency check (npm run fsck's) with objects stored as several blobs and uploads in
 * progress: a multipart object's segments and an upload's parts are referenced blobs, and an
 * object whose segment is missing is found and repaired (its other blob removed by the next run).
 * Run in this process: the script itself is tested in fsck.test.ts.
 */
import { randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import { beforeAll, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { checkConsistency } from "@/lib/objects/consistency-check";
import { MIN_PART_SIZE } from "@/lib/objects/multipart-service";
import { PrismaObjectRepository } from "@/lib/objects/object-repository";
import { currentApp } from "@/lib/runtime/current-app";
import { storedBlobs } from "../support/stored-blobs";

const check = (repair: boolean) => {
  const repository = new PrismaObjectRepository(db);
  return checkConsistency({ blobs: storedBlobs(), rows: repository, journal: repository }, { repair, staleTempMs: 3_600_000 });
};
let bucketId = 0;

beforeAll(async () => {
  await currentApp().objects.recover();
  bucketId = (await db().bucket.create({ data: { name: "checked", zoneType: "SINGLE_AZ", defaultStorageClass: "STANDARD" } })).id;
});

it("counts a multipart object's segments and an upload's parts as referenced, and repairs an object whose segment is gone", async () => {
  const { multipart, objects } = currentApp();
  const attributes = (key: string) => ({ bucketId, key, storageClass: "STANDARD", httpMeta: {}, userMeta: {} });
  const part = (bytes: Buffer) => Readable.from([bytes]);
  await objects.put({ ...attributes("plain"), sourceUrl: null }, part(Buffer.from("one blob")), { size: null, md5: null });
  const upload = await multipart.create(attributes("composite"));
  const one = await multipart.uploadPart(upload, 1, part(randomBytes(MIN_PART_SIZE)), { size: null, md5: null });
  const two = await multipart.uploadPart(upload, 2, part(Buffer.from("tail")), { size: null, md5: null });
  await multipart.complete(upload, [{ partNumber: 1, etag: one.etag }, { partNumber: 2, etag: two.etag }]);
  const pending = await multipart.create(attributes("in-progress"));
  await multipart.uploadPart(pending, 1, part(Buffer.from("a part")), { size: null, md5: null });

  const clean = await check(false);
  expect([clean.rowsWithoutBlob, clean.blobsWithoutRow]).toEqual([[], []]);
  // The plain object, the composite's two blobs and the upload's part: four rows, four blobs.
  expect([clean.rowsChecked, clean.blobsChecked]).toEqual([4, 4]);

  const [first, second] = await db().objectSegment.findMany({ orderBy: { position: "asc" } });
  await storedBlobs().remove(second!.blobName);
  const repaired = await check(true);
  expect([repaired.rowsWithoutBlob, repaired.blobsWithoutRow]).toEqual([[second!.blobName], []]);
  expect(await db().storedObject.count({ where: { key: "composite" } })).toBe(0);
  expect(await db().objectSegment.count()).toBe(0);
  // Its first blob is unreferenced now: the next run removes it, and leaves the rest alone.
  const leftover = await check(true);
  expect([leftover.rowsWithoutBlob, leftover.blobsWithoutRow]).toEqual([[], [first!.blobName]]);
  expect(await storedBlobs().has(first!.blobName)).toBe(false);
  const final = await check(false);
  expect([final.rowsChecked, final.blobsChecked, final.rowsWithoutBlob, final.blobsWithoutRow]).toEqual([2, 2, [], []]);
});
