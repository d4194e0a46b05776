/** Buckets through the object API: list, create, check, delete, and list a bucket's objects. */
import { bucketNameProblem } from "@/lib/buckets/bucket-name";
import { createBucket, deleteBucket, listBuckets } from "@/lib/buckets/bucket-service";
import { STORAGE_CLASSES_BY_ZONE, ZONE_TYPES, isStorageClassAllowed, type StorageClass, type ZoneType } from "@/lib/buckets/storage-class";
import type { BucketRecord } from "@/lib/buckets/bucket-record";
import { BosError, sendJson } from "./bos-error";
import type { ObjectApiContext } from "./context";

export const OWNER = { id: "bos-mirror", displayName: "bos-mirror" };

export async function listBucketsHandler(ctx: ObjectApiContext): Promise<void> {
  const buckets = await listBuckets();
  sendJson(ctx.res, 200, {
    owner: OWNER,
    buckets: buckets.map((bucket) => ({ name: bucket.name, location: "local", creationDate: bucket.createdAt })),
  });
}

export async function createBucketHandler(ctx: ObjectApiContext, name: string): Promise<void> {
  const problem = bucketNameProblem(name);
  if (problem) throw new BosError("InvalidBucketName", `${name}: ${problem}`);
  const zoneHeader = ctx.req.headers["x-bce-zone-type"] ?? "SINGLE_AZ";
  if (!(ZONE_TYPES as readonly unknown[]).includes(zoneHeader)) {
    throw new BosError("InvalidArgument", `x-bce-zone-type must be ${ZONE_TYPES.join(" or ")}.`);
  }
  const zoneType = zoneHeader as ZoneType;
  const storageClass = (ctx.req.headers["x-bce-storage-class"] as string | undefined) ?? STORAGE_CLASSES_BY_ZONE[zoneType][0];
  if (!isStorageClassAllowed(zoneType, storageClass)) {
    throw new BosError("InvalidArgument", `Storage class ${storageClass} is not available in a ${zoneType} bucket.`);
  }
  await createBucket({ name, zoneType, defaultStorageClass: storageClass as StorageClass }, ctx.audit);
  ctx.res.writeHead(200, { location: `/v1/${name}`, "content-length": 0 });
  ctx.res.end();
}

export async function headBucketHandler(ctx: ObjectApiContext): Promise<void> {
  ctx.res.writeHead(200);
  ctx.res.end();
}

export async function deleteBucketHandler(ctx: ObjectApiContext, name: string): Promise<void> {
  await deleteBucket(name, ctx.audit);
  ctx.res.writeHead(204);
  ctx.res.end();
}

const MAX_KEYS = 1000;

export async function listObjectsHandler(ctx: ObjectApiContext, bucket: BucketRecord): Promise<void> {
  const { query } = ctx.target;
  const prefix = query.get("prefix") ?? "";
  const delimiter = query.get("delimiter") ?? "";
  const marker = query.get("marker") ?? "";
  const maxKeysParam = query.get("maxKeys") ?? String(MAX_KEYS);
  const maxKeys = Number(maxKeysParam);
  if (!/^\d+$/.test(maxKeysParam) || maxKeys < 1 || maxKeys > MAX_KEYS) {
    throw new BosError("InvalidArgument", `maxKeys must be a whole number from 1 to ${MAX_KEYS}.`);
  }
  const page = await ctx.objects.list(bucket.id, { prefix, delimiter, marker, maxKeys });
  sendJson(ctx.res, 200, {
    name: bucket.name,
    prefix,
    delimiter,
    marker,
    maxKeys,
    isTruncated: page.isTruncated,
    ...(page.nextMarker !== null ? { nextMarker: page.nextMarker } : {}),
    contents: page.objects.map((object) => ({
      key: object.key,
      lastModified: object.lastModified.toISOString(),
      eTag: object.etag,
      size: object.size,
      storageClass: object.storageClass,
      owner: OWNER,
    })),
    commonPrefixes: page.commonPrefixes.map((commonPrefix) => ({ prefix: commonPrefix })),
  });
}
