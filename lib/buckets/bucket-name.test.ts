import { describe, expect, it } from "vitest";
import { bucketNameProblem, createBucketSchema } from "./bucket-name";

describe("bucket names", () => {
  it.each(["abc", "my-bucket-1", "0a9", "a".repeat(63)])("accepts %s", (name) => expect(bucketNameProblem(name)).toBeNull());
  it.each(["ab", "a".repeat(64), "MyBucket", "-abc", "abc-", "a_b", "a.b", "ab c", "桶桶桶"])("refuses %j", (name) =>
    expect(bucketNameProblem(name)).not.toBeNull(),
  );

  it("requires a storage class of the zone type", () => {
    const ok = createBucketSchema.safeParse({ name: "abc", zoneType: "MULTI_AZ", defaultStorageClass: "MAZ_STANDARD" });
    expect(ok.success).toBe(true);
    const bad = createBucketSchema.safeParse({ name: "abc", zoneType: "MULTI_AZ", defaultStorageClass: "COLD" });
    expect(bad.error?.issues[0]).toMatchObject({ path: ["defaultStorageClass"] });
  });

  it("defaults the zone type to single-AZ and the storage class to the zone's standard class, as BOS does", () => {
    expect(createBucketSchema.parse({ name: "abc" })).toEqual({ name: "abc", zoneType: "SINGLE_AZ", defaultStorageClass: "STANDARD" });
    expect(createBucketSchema.parse({ name: "abc", zoneType: "MULTI_AZ" })).toEqual({ name: "abc", zoneType: "MULTI_AZ", defaultStorageClass: "MAZ_STANDARD" });
    expect(createBucketSchema.parse({ name: "abc", defaultStorageClass: "COLD" })).toMatchObject({ zoneType: "SINGLE_AZ", defaultStorageClass: "COLD" });
    expect(createBucketSchema.safeParse({ name: "abc", defaultStorageClass: "MAZ_STANDARD" }).error?.issues[0]).toMatchObject({ path: ["defaultStorageClass"] });
  });
});
