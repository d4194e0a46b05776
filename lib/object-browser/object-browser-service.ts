/**
 * The console's object browser on the server: list a folder, upload, download, delete several,
 * empty a bucket. Every operation goes through the object service and its listing (the same code
 * the object APIs use); this module adds the bucket lookup, the console's answer shapes and the
 * audit log. Object changes are recorded right after they happen (the object service commits
 * bytes and rows its own crash-safe way, outside any audit transaction). Server only.
 */
import { recordAudit, type AuditContext } from "@/lib/audit/audit-log";
import type { BucketRecord } from "@/lib/buckets/bucket-record";
import { findBucketRecord } from "@/lib/buckets/bucket-service";
import { isStorageClassAllowed } from "@/lib/buckets/storage-class";
import { db } from "@/lib/db/client";
import { InvalidInput, InvalidObjectName, NoSuchBucket, NoSuchKey } from "@/lib/domain/errors";
import type { EmptyJob } from "@/lib/objects/bucket-emptier";
import { objectKeyProblem } from "@/lib/objects/object-key";
import type { ObjectRecord } from "@/lib/objects/object-meta";
import type { ListedObject } from "@/lib/objects/object-repository";
import { currentApp } from "@/lib/runtime/current-app";
import type { DeleteObjectsResult, EmptyJobView, ListObjectsQuery, ObjectEntry, ObjectListing, UploadedObject } from "./object-browser-schema";

export async function requireBucket(name: string): Promise<BucketRecord> {
  const bucket = await findBucketRecord(name);
  if (!bucket) throw new NoSuchBucket(name);
  return bucket;
}

function requireKey(key: string | null): string {
  const problem = objectKeyProblem(key ?? "");
  if (problem) throw new InvalidObjectName(problem);
  return key!;
}

function toEntry(object: ListedObject): ObjectEntry {
  return {
    key: object.key,
    size: object.size,
    etag: object.etag,
    storageClass: object.storageClass,
    contentType: object.contentType,
    lastModified: object.lastModified.toISOString(),
    // A mirrored object is committed when its fetch completes: its date is when it was mirrored.
    source: object.sourceUrl === null ? { kind: "uploaded" } : { kind: "mirrored", url: object.sourceUrl, at: object.lastModified.toISOString() },
  };
}

export async function listObjects(bucketName: string, query: ListObjectsQuery): Promise<ObjectListing> {
  const bucket = await requireBucket(bucketName);
  const page = await currentApp().objects.list(bucket.id, query);
  return {
    prefix: query.prefix,
    delimiter: query.delimiter,
    marker: query.marker,
    folders: page.commonPrefixes,
    objects: page.objects.map(toEntry),
    isTruncated: page.isTruncated,
    nextMarker: page.nextMarker,
  };
}

export interface UploadInput {
  key: string | null;
  /** The declared Content-Length, or null for a streamed body of unknown length. */
  size: number | null;
  contentType: string | null;
  storageClass: string | null;
  body: AsyncIterable<Buffer>;
}

export async function uploadObject(bucketName: string, input: UploadInput, audit: AuditContext): Promise<UploadedObject> {
  const bucket = await requireBucket(bucketName);
  const key = requireKey(input.key);
  const storageClass = input.storageClass ?? bucket.defaultStorageClass;
  if (!isStorageClassAllowed(bucket.zoneType, storageClass)) {
    throw new InvalidInput({ storageClass: [`Storage class ${storageClass} is not available in bucket ${bucket.name}.`] });
  }
  const { objects } = currentApp();
  const previous = await objects.find(bucket.id, key);
  const httpMeta: Record<string, string> = input.contentType ? { "content-type": input.contentType } : {};
  // The audit event is written with the object, in its commit's transaction: both or neither.
  const stored = await objects.put({ bucketId: bucket.id, key, storageClass, httpMeta, userMeta: {}, sourceUrl: null }, input.body, { size: input.size, md5: null }, {
    alongside: (tx, record) =>
      recordAudit(tx, audit, {
        action: "object.upload",
        bucket: bucket.name,
        target: key,
        before: previous && { key, size: previous.size, etag: previous.etag, storageClass: previous.storageClass },
        after: { key, size: record.size, etag: record.etag, storageClass, contentType: input.contentType },
      }),
  });
  return { key, size: stored.size, etag: stored.etag };
}

/** The object to download, with its bucket; 404 NoSuchKey when absent (downloads never go back to origin). */
export async function findObject(bucketName: string, key: string | null): Promise<ObjectRecord> {
  const bucket = await requireBucket(bucketName);
  const checked = requireKey(key);
  const object = await currentApp().objects.find(bucket.id, checked);
  if (!object) throw new NoSuchKey(bucket.name, checked);
  return object;
}

export async function deleteObjects(bucketName: string, keys: string[], audit: AuditContext): Promise<DeleteObjectsResult> {
  const bucket = await requireBucket(bucketName);
  const deleted = new Set(await currentApp().objects.deleteKeys(bucket.id, keys));
  const result = { deleted: keys.filter((key) => deleted.has(key)), missing: keys.filter((key) => !deleted.has(key)) };
  if (result.deleted.length > 0) await recordAudit(db(), audit, { action: "object.delete", bucket: bucket.name, before: { keys: result.deleted } });
  return result;
}

function toJobView(job: EmptyJob): EmptyJobView {
  return {
    id: job.id,
    state: job.state,
    startedAt: job.startedAt.toISOString(),
    finishedAt: job.finishedAt?.toISOString() ?? null,
    total: job.total,
    deleted: job.deleted,
    failed: job.failed,
    remaining: job.remaining,
    error: job.error,
  };
}

/** Starts emptying the bucket (or finds the job already at it); the start and the outcome are audited. */
export async function startEmptying(bucketName: string, audit: AuditContext): Promise<{ job: EmptyJobView; started: boolean }> {
  const bucket = await requireBucket(bucketName);
  // Audited when it starts and when it ends, on whichever instance it ends (lib/runtime/create-app.ts).
  const { job, started } = await currentApp().emptier.start(bucket, { bucket: bucket.name, actor: audit.actor, requestId: audit.requestId });
  return { job: toJobView(job), started };
}

/** The bucket's running emptying job, or the last one (on any instance); null if none. */
export async function emptyingStatus(bucketName: string): Promise<EmptyJobView | null> {
  const bucket = await requireBucket(bucketName);
  const job = await currentApp().emptier.current(bucket.id);
  return job ? toJobView(job) : null;
}
