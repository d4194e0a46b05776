import { beforeEach, describe, expect, it } from "vitest";
import * as bucketRoute from "@/app/api/buckets/[bucket]/route";
import * as bucketsRoute from "@/app/api/buckets/route";
import * as rulesRoute from "@/app/api/buckets/[bucket]/mirroring/rules/route";
import { db } from "@/lib/db/client";
import { callRoute, resetDatabase } from "../support/route-client";

const createBucket = (name: string, zoneType = "SINGLE_AZ", defaultStorageClass = "STANDARD") =>
  callRoute(bucketsRoute.POST, { body: { name, zoneType, defaultStorageClass } });

beforeEach(resetDatabase);

describe("buckets API", () => {
  it("creates, lists, reads and deletes a bucket", async () => {
    const created = await createBucket("mybucket");
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: "mybucket", zoneType: "SINGLE_AZ", ruleCount: 0, objectCount: 0 });

    const list = await callRoute(bucketsRoute.GET);
    expect(list.body.buckets.map((b: { name: string }) => b.name)).toEqual(["mybucket"]);
    expect((await callRoute(bucketRoute.GET, { params: { bucket: "mybucket" } })).body.name).toBe("mybucket");

    const deleted = await callRoute(bucketRoute.DELETE, { params: { bucket: "mybucket" } });
    expect(deleted.status).toBe(204);
    expect((await callRoute(bucketsRoute.GET)).body.buckets).toEqual([]);
  });

  it("refuses invalid names with a field error, and duplicates with 409", async () => {
    const invalid = await createBucket("My_Bucket");
    expect(invalid.status).toBe(422);
    expect(invalid.body).toMatchObject({ code: "ValidationFailed", fieldErrors: { name: [expect.stringMatching(/lowercase/)] } });
    expect(invalid.body.requestId).toEqual(expect.any(String));

    await createBucket("mybucket");
    const duplicate = await createBucket("mybucket");
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.code).toBe("BucketAlreadyExists");
  });

  it("defaults the zone type to single-AZ and the storage class to the zone's standard class (as BOS does)", async () => {
    const plain = await callRoute(bucketsRoute.POST, { body: { name: "plain" } });
    expect(plain.status).toBe(201);
    expect(plain.body).toMatchObject({ name: "plain", zoneType: "SINGLE_AZ", defaultStorageClass: "STANDARD" });
    const multi = await callRoute(bucketsRoute.POST, { body: { name: "multi", zoneType: "MULTI_AZ" } });
    expect(multi.body).toMatchObject({ zoneType: "MULTI_AZ", defaultStorageClass: "MAZ_STANDARD" });
  });

  it("refuses a storage class that does not suit the zone type", async () => {
    const result = await createBucket("mazbucket", "MULTI_AZ", "STANDARD");
    expect(result.status).toBe(422);
    expect(result.body.fieldErrors).toHaveProperty("defaultStorageClass");
  });

  it("answers 400 for malformed JSON and 404 for an unknown bucket", async () => {
    const malformed = await callRoute(bucketsRoute.POST, { body: "{not json" });
    expect(malformed.status).toBe(400);
    expect(malformed.body.code).toBe("MalformedJson");
    const missing = await callRoute(bucketRoute.GET, { params: { bucket: "nothere" } });
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe("NoSuchBucket");
    expect((await callRoute(bucketRoute.GET, { params: { bucket: "../etc" } })).status).toBe(404);
    expect((await callRoute(bucketRoute.DELETE, { params: { bucket: "nothere" } })).status).toBe(404);
  });

  it("refuses to delete a bucket that holds objects, and keeps it", async () => {
    await createBucket("full");
    const bucket = await db().bucket.findUniqueOrThrow({ where: { name: "full" } });
    await db().storedObject.create({
      data: { bucketId: bucket.id, key: "a.txt", size: 1n, etag: "x", storageClass: "STANDARD", blobName: "b" },
    });
    const result = await callRoute(bucketRoute.DELETE, { params: { bucket: "full" } });
    expect(result.status).toBe(409);
    expect(result.body.code).toBe("BucketNotEmpty");
    expect(await db().bucket.count()).toBe(1);
  });

  it("deletes a bucket's rules with it, and refuses to delete a bucket another rule reads from", async () => {
    await createBucket("source");
    await createBucket("target");
    const rule = { origin: { type: "bucket", bucket: "source" }, storageClass: "STANDARD" };
    expect((await callRoute(rulesRoute.POST, { params: { bucket: "target" }, body: rule })).status).toBe(201);

    // The overview says so before any delete is tried, and what making "target" public would expose.
    const source = await callRoute(bucketRoute.GET, { params: { bucket: "source" } });
    expect(source.body.originOf).toEqual([{ bucket: "target", rule: 1, origin: "source", originAcl: "private" }]);
    expect(source.body.readsPrivate).toEqual([]);
    const target = await callRoute(bucketRoute.GET, { params: { bucket: "target" } });
    expect(target.body.originOf).toEqual([]);
    expect(target.body.readsPrivate).toEqual([{ bucket: "target", rule: 1, origin: "source", originAcl: "private" }]);

    const inUse = await callRoute(bucketRoute.DELETE, { params: { bucket: "source" } });
    expect(inUse.status).toBe(409);
    expect(inUse.body).toMatchObject({ code: "BucketInUse", message: expect.stringContaining("rule #1 in bucket target") });

    // A public origin is no exposure; a backup origin is a use like the primary.
    expect((await callRoute(bucketRoute.PATCH, { params: { bucket: "source" }, body: { acl: "public-read" } })).status).toBe(200);
    expect((await callRoute(bucketRoute.GET, { params: { bucket: "target" } })).body.readsPrivate).toEqual([]);
    await createBucket("third");
    await createBucket("fourth");
    const backupOnly = { origin: { type: "url", protocol: "https", host: "www.example.com" }, backupOrigin: { type: "bucket", bucket: "third" }, storageClass: "STANDARD" };
    expect((await callRoute(rulesRoute.POST, { params: { bucket: "fourth" }, body: backupOnly })).status).toBe(201);
    expect((await callRoute(bucketRoute.GET, { params: { bucket: "third" } })).body.originOf).toEqual([{ bucket: "fourth", rule: 1, origin: "third", originAcl: "private" }]);
    expect((await callRoute(bucketRoute.DELETE, { params: { bucket: "third" } })).status).toBe(409);

    expect((await callRoute(bucketRoute.DELETE, { params: { bucket: "target" } })).status).toBe(204);
    // Only "fourth"'s rule is left.
    expect(await db().mirrorRule.count()).toBe(1);
    expect((await callRoute(bucketRoute.DELETE, { params: { bucket: "source" } })).status).toBe(204);
    expect((await callRoute(bucketRoute.DELETE, { params: { bucket: "fourth" } })).status).toBe(204);
    expect((await callRoute(bucketRoute.DELETE, { params: { bucket: "third" } })).status).toBe(204);
  });
});
