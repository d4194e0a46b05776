/** Buckets: the rows behind the console's bucket list and the rule pages. Server only. */
import { directSql } from "@/lib/db/direct-sql";
import { serializable } from "@/lib/db/transactions";
import { recordAudit, type AuditContext } from "@/lib/audit/audit-log";
import { db } from "@/lib/db/client";
import { recordCacheChanges } from "@/lib/fleet/cache-changes";
import { BucketAlreadyExists, BucketInUse, BucketNotEmpty, NoSuchBucket } from "@/lib/domain/errors";
import type { Prisma } from "@/lib/generated/prisma/client";
import type { MaybePromise } from "@/lib/maybe-promise";
import { parseOriginJson } from "@/lib/mirroring/rule-record";
import { WriteJournal } from "@/lib/objects/write-journal";
import { currentApp } from "@/lib/runtime/current-app";
import type { BucketAcl } from "./bucket-acl";
import type { BucketRecord } from "./bucket-record";
import { bucketNameProblem, type CreateBucketInput } from "./bucket-name";
import type { StorageClass, ZoneType } from "./storage-class";

export type { BucketRecord };

const bucketCache = () => currentApp().caches.buckets;

export interface BucketSummary {
  name: string;
  acl: BucketAcl;
  zoneType: ZoneType;
  defaultStorageClass: StorageClass;
  createdAt: string;
  ruleCount: number;
  objectCount: number;
}

/** A rule of one bucket that reads another bucket as its origin (or backup origin). */
export interface BucketOriginLink {
  /** The bucket whose rule it is. */
  bucket: string;
  /** The rule's number within that bucket. */
  rule: number;
  /** The bucket the rule reads. */
  origin: string;
  originAcl: BucketAcl;
}

/** One bucket, with how it is tied to others by bucket origins (the overview's warnings). */
export interface BucketDetails extends BucketSummary {
  /** Other buckets' rules that read this bucket: while any is left, it cannot be deleted. */
  originOf: BucketOriginLink[];
  /** This bucket's rules that read a private bucket: made public, it makes their objects readable. */
  readsPrivate: BucketOriginLink[];
}

/** Every rule that reads a bucket as its origin or backup origin, in bucket and rule order. */
async function bucketOriginLinks(tx: Prisma.TransactionClient): Promise<BucketOriginLink[]> {
  const [rules, buckets] = await Promise.all([
    tx.mirrorRule.findMany({ select: { number: true, origin: true, backupOrigin: true, bucket: { select: { name: true } } }, orderBy: [{ bucketId: "asc" }, { number: "asc" }] }),
    tx.bucket.findMany({ select: { name: true, acl: true } }),
  ]);
  const acls = new Map(buckets.map((bucket) => [bucket.name, bucket.acl as BucketAcl]));
  const links: BucketOriginLink[] = [];
  for (const rule of rules) {
    const read = new Set<string>();
    for (const origin of [rule.origin, rule.backupOrigin]) {
      const parsed = origin ? parseOriginJson(origin) : null;
      if (parsed?.type === "bucket" && !read.has(parsed.bucket) && acls.has(parsed.bucket)) {
        read.add(parsed.bucket);
        links.push({ bucket: rule.bucket.name, rule: rule.number, origin: parsed.bucket, originAcl: acls.get(parsed.bucket)! });
      }
    }
  }
  return links;
}

type BucketRow = Prisma.BucketGetPayload<{ include: { _count: { select: { rules: true; objects: true } } } }>;

const withCounts = { _count: { select: { rules: true, objects: true } } } as const;

function toSummary(row: BucketRow): BucketSummary {
  return {
    name: row.name,
    acl: row.acl as BucketAcl,
    zoneType: row.zoneType as ZoneType,
    defaultStorageClass: row.defaultStorageClass as StorageClass,
    createdAt: row.createdAt.toISOString(),
    ruleCount: row._count.rules,
    objectCount: row._count.objects,
  };
}

export async function listBuckets(): Promise<BucketSummary[]> {
  const rows = await db().bucket.findMany({ include: withCounts, orderBy: { name: "asc" } });
  return rows.map(toSummary);
}

export async function getBucket(name: string): Promise<BucketDetails> {
  const row = bucketNameProblem(name) ? null : await db().bucket.findUnique({ where: { name }, include: withCounts });
  if (!row) throw new NoSuchBucket(name);
  const links = await bucketOriginLinks(db());
  return {
    ...toSummary(row),
    originOf: links.filter((link) => link.origin === name && link.bucket !== name),
    readsPrivate: links.filter((link) => link.bucket === name && link.origin !== name && link.originAcl === "private"),
  };
}

export async function createBucket(input: CreateBucketInput, audit: AuditContext): Promise<BucketSummary> {
  try {
    const row = await db().$transaction(async (tx) => {
      const created = await tx.bucket.create({ data: input, include: withCounts });
      await recordAudit(tx, audit, { action: "bucket.create", bucket: input.name, after: input });
      await recordCacheChanges(directSql(db()).within(tx), [{ scope: "bucket", bucketId: created.id, name: input.name }]);
      return created;
    });
    bucketCache().delete(input.name);
    return toSummary(row);
  } catch (error) {
    // By code, not instanceof: Next's bundled copy of this module sees another copy of Prisma's classes.
    if ((error as { code?: unknown }).code === "P2002") {
      throw new BucketAlreadyExists(input.name);
    }
    throw error;
  }
}

/** Deletes an empty bucket and its rules; refused while it holds objects or serves as an origin. */
export async function deleteBucket(name: string, audit: AuditContext): Promise<void> {
  // SERIALIZABLE: emptiness, the rules naming it as an origin and the uploads journaled are checked
  // on what is deleted (no object, rule or part added in between).
  await serializable(db(), async (tx) => {
    const bucket = await tx.bucket.findUnique({ where: { name }, include: withCounts });
    if (!bucket) throw new NoSuchBucket(name);
    if (bucket._count.objects > 0) throw new BucketNotEmpty(name, bucket._count.objects);
    const user = (await bucketOriginLinks(tx)).find((link) => link.origin === name && link.bucket !== name);
    if (user) {
      throw new BucketInUse(name, user.bucket, user.rule);
    }
    // Uploads in progress go with the bucket (cascade); their part blobs are journaled here, so the
    // next start removes them (lib/objects/write-journal.ts).
    const parts = await tx.multipartPart.findMany({ where: { upload: { bucketId: bucket.id } }, select: { blobName: true, upload: { select: { key: true } } } });
    await WriteJournal.inTransaction(directSql(db()).within(tx), { dropped: parts.map((part) => ({ bucketId: bucket.id, key: part.upload.key, blobName: part.blobName })) });
    await tx.bucket.delete({ where: { id: bucket.id } });
    const { _count: _counts, id: _id, ...before } = bucket;
    await recordAudit(tx, audit, { action: "bucket.delete", bucket: name, before });
    await recordCacheChanges(directSql(db()).within(tx), [{ scope: "bucket", bucketId: bucket.id, name }]);
  });
  bucketCache().delete(name);
}

/**
 * The bucket row, or null: the object API's lookup, without counts. The cached record itself when
 * there is one (the hit path: lib/maybe-promise.ts), else a promise.
 */
export function findBucketRecord(name: string): MaybePromise<BucketRecord | null> {
  if (bucketNameProblem(name)) return null;
  const cached = bucketCache().get(name);
  if (cached !== undefined) return cached;
  return loadBucketRecord(name);
}

async function loadBucketRecord(name: string): Promise<BucketRecord | null> {
  const cache = bucketCache();
  // findFirst, not findUnique: Prisma batches concurrent findUnique calls into one query, which
  // fails past SQLite's parameter limit under load (P2029).
  const row = (await db().bucket.findFirst({ where: { name } })) as BucketRecord | null;
  cache.set(name, row);
  return row;
}

export async function setBucketAcl(name: string, acl: BucketAcl, audit: AuditContext): Promise<BucketDetails> {
  // SERIALIZABLE: the audit event's "before" is the value replaced.
  await serializable(db(), async (tx) => {
    const bucket = await tx.bucket.findFirst({ where: { name } });
    if (!bucket) throw new NoSuchBucket(name);
    await tx.bucket.update({ where: { id: bucket.id }, data: { acl } });
    await recordAudit(tx, audit, { action: "bucket.acl", bucket: name, before: { acl: bucket.acl }, after: { acl } });
    await recordCacheChanges(directSql(db()).within(tx), [{ scope: "bucket", bucketId: bucket.id, name }]);
  });
  bucketCache().delete(name);
  return getBucket(name);
}
