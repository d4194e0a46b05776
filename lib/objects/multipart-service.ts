/**
 * Multipart uploads (S3's CreateMultipartUpload, UploadPart, CompleteMultipartUpload, Abort,
 * ListParts, ListMultipartUploads), over the same blob store, ingest pipeline and commit as every
 * other write. No HTTP here.
 *
 * - A part streams through the ingest pipeline (size limit, MD5, batched writes) into a blob of its
 *   own; it is never held in memory. The blob is named in the write journal before it becomes
 *   visible and stays journaled while the upload lasts, so the journal's invariant holds (every
 *   blob is pointed at by its row or named in the journal) and `npm run fsck` leaves it alone.
 * - Completion streams the listed parts, in order, through one more ingest into the object's blob
 *   and commits it like a PUT (the newest write wins, journaled, crash-safe), then removes the
 *   parts. This copies the bytes once: a store that can concatenate blobs without copying would
 *   need objects made of several blobs, which the object model does not have yet.
 * - A crash or restart removes every journaled part blob (start-up resolves the journal), so
 *   `recover` at start aborts every upload; `sweep` aborts uploads older than a maximum age.
 */
import { randomBytes } from "node:crypto";
import { EntityTooLarge, EntityTooSmall, InvalidPart, InvalidPartOrder, NoSuchUpload } from "@/lib/domain/errors";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import type { BlobStore } from "@/lib/storage/blob-store";
import type { IngestExpectation } from "./ingest";
import { compareUtf8 } from "./key-order";
import type { ObjectRecord } from "./object-meta";
import type { ObjectRepository } from "./object-repository";
import type { ObjectAttributes, ObjectService } from "./object-service";

/** S3's limits: parts 1 to 10,000; every part but the last at least 5 MiB. */
export const MAX_PART_NUMBER = 10_000;
export const MIN_PART_SIZE = 5 * 1024 * 1024;

export interface MultipartUploadRecord {
  uploadId: string;
  bucketId: number;
  key: string;
  storageClass: string;
  httpMeta: Record<string, string>;
  userMeta: Record<string, string>;
  createdAt: Date;
}

export interface PartRecord {
  partNumber: number;
  size: number;
  /** Hex MD5 of the part's bytes. */
  etag: string;
  lastModified: Date;
}

export interface MultipartServiceDeps {
  db: () => PrismaClient;
  objects: ObjectService;
  blobs: BlobStore;
  journal: Pick<ObjectRepository, "beginBlob" | "endBlob">;
  maxObjectSize: number;
  /** Tests lower it; S3 says 5 MiB. */
  minPartSize?: number;
}

type UploadRow = Awaited<ReturnType<PrismaClient["multipartUpload"]["findFirst"]>> & object;

function toUpload(row: UploadRow): MultipartUploadRecord {
  return {
    uploadId: row.uploadId,
    bucketId: row.bucketId,
    key: row.key,
    storageClass: row.storageClass,
    httpMeta: JSON.parse(row.httpMeta) as Record<string, string>,
    userMeta: JSON.parse(row.userMeta) as Record<string, string>,
    createdAt: row.createdAt,
  };
}

export class MultipartService {
  private readonly minPartSize: number;

  constructor(private readonly deps: MultipartServiceDeps) {
    this.minPartSize = deps.minPartSize ?? MIN_PART_SIZE;
  }

  async create(attributes: Omit<ObjectAttributes, "sourceUrl">): Promise<MultipartUploadRecord> {
    const row = await this.deps.db().multipartUpload.create({
      data: {
        uploadId: randomBytes(24).toString("base64url"),
        bucketId: attributes.bucketId,
        key: attributes.key,
        storageClass: attributes.storageClass,
        httpMeta: JSON.stringify(attributes.httpMeta),
        userMeta: JSON.stringify(attributes.userMeta),
      },
    });
    return toUpload(row);
  }

  /** The upload `uploadId` of this bucket and key; NoSuchUpload otherwise. */
  async find(bucketId: number, key: string, uploadId: string): Promise<MultipartUploadRecord> {
    const row = await this.deps.db().multipartUpload.findFirst({ where: { uploadId, bucketId, key } });
    if (!row) throw new NoSuchUpload(uploadId);
    return toUpload(row);
  }

  /**
   * Stores part `partNumber` of an upload, replacing an earlier upload of the same number. The
   * body streams to a blob; nothing is kept if it fails its checks or the upload is gone meanwhile.
   */
  async uploadPart(upload: MultipartUploadRecord, partNumber: number, body: AsyncIterable<Buffer>, expected: IngestExpectation): Promise<PartRecord> {
    if (expected.size !== null && expected.size > this.deps.maxObjectSize) throw new EntityTooLarge(this.deps.maxObjectSize, "The part");
    const { db, journal, objects } = this.deps;
    const ingest = await objects.beginIngest(upload, undefined, { sizeHint: expected.size });
    try {
      for await (const chunk of body) await ingest.append(chunk);
      const { size, md5 } = await ingest.finish(expected);
      const blobName = ingest.writer.name;
      const pending = await journal.beginBlob({ bucketId: upload.bucketId, key: upload.key, blobName });
      let previous: { blobName: string; pending: number } | null;
      let saved;
      try {
        await ingest.writer.commit();
        ({ previous, saved } = await db().$transaction(async (tx) => {
          const parent = await tx.multipartUpload.findFirst({ where: { uploadId: upload.uploadId }, select: { id: true } });
          if (!parent) throw new NoSuchUpload(upload.uploadId);
          const where = { uploadId_partNumber: { uploadId: parent.id, partNumber } };
          const old = await tx.multipartPart.findUnique({ where, select: { blobName: true, pending: true } });
          const data = { size: BigInt(size), etag: md5, blobName, pending, createdAt: new Date() };
          const row = await tx.multipartPart.upsert({ where, create: { uploadId: parent.id, partNumber, ...data }, update: data });
          return { previous: old, saved: row };
        }));
      } catch (error) {
        await this.dropBlob({ blobName, pending }).catch(() => undefined);
        throw error;
      }
      if (previous) await this.dropBlob(previous);
      return { partNumber, size, etag: md5, lastModified: saved.createdAt };
    } finally {
      await ingest.discard();
    }
  }

  /** The upload's parts in part-number order, after `marker`, at most `maxParts` (and whether more follow). */
  async listParts(upload: MultipartUploadRecord, marker: number, maxParts: number): Promise<{ parts: PartRecord[]; isTruncated: boolean }> {
    const rows = await this.deps.db().multipartPart.findMany({
      where: { upload: { uploadId: upload.uploadId }, partNumber: { gt: marker } },
      orderBy: { partNumber: "asc" },
      take: maxParts + 1,
    });
    const parts = rows.slice(0, maxParts).map((row) => ({ partNumber: row.partNumber, size: Number(row.size), etag: row.etag, lastModified: row.createdAt }));
    return { parts, isTruncated: rows.length > maxParts };
  }

  /** Uploads in a bucket whose key starts with `prefix`, in key order then age, after the markers. */
  async listUploads(
    bucketId: number,
    options: { prefix: string; keyMarker: string; uploadIdMarker: string; maxUploads: number },
  ): Promise<{ uploads: MultipartUploadRecord[]; isTruncated: boolean }> {
    const rows = await this.deps.db().multipartUpload.findMany({
      where: { bucketId, key: { startsWith: options.prefix, gte: options.keyMarker } },
      orderBy: [{ key: "asc" }, { createdAt: "asc" }, { id: "asc" }],
    });
    // Markers: past keyMarker; for the marker's own key, past the upload uploadIdMarker names.
    let uploads = rows.map(toUpload).filter((upload) => upload.key.startsWith(options.prefix));
    if (options.keyMarker !== "") {
      const cut = options.uploadIdMarker === "" ? -1 : uploads.findIndex((upload) => upload.key === options.keyMarker && upload.uploadId === options.uploadIdMarker);
      uploads = uploads.filter((upload, index) => compareUtf8(upload.key, options.keyMarker) > 0 || (upload.key === options.keyMarker && cut >= 0 && index > cut));
    }
    return { uploads: uploads.slice(0, options.maxUploads), isTruncated: uploads.length > options.maxUploads };
  }

  /**
   * Completes an upload from the parts the client lists (number and ETag, ascending): checks them,
   * streams them into the object's blob and commits it like a PUT, then removes every part.
   */
  async complete(upload: MultipartUploadRecord, listed: { partNumber: number; etag: string }[]): Promise<ObjectRecord> {
    const { db, objects, blobs } = this.deps;
    if (listed.length === 0) throw new InvalidPart(0, "is missing: list at least one part");
    const rows = await db().multipartPart.findMany({ where: { upload: { uploadId: upload.uploadId } } });
    const byNumber = new Map(rows.map((row) => [row.partNumber, row]));
    const chosen = listed.map(({ partNumber, etag }, index) => {
      if (index > 0 && partNumber <= listed[index - 1]!.partNumber) throw new InvalidPartOrder();
      const row = byNumber.get(partNumber);
      if (!row) throw new InvalidPart(partNumber, "was not uploaded (or was replaced)");
      if (etag.replaceAll('"', "").toLowerCase() !== row.etag) throw new InvalidPart(partNumber, `has ETag "${row.etag}", not ${etag}`);
      return { partNumber, size: Number(row.size), blobName: row.blobName };
    });
    chosen.forEach((part, index) => {
      if (index < chosen.length - 1 && part.size < this.minPartSize) throw new EntityTooSmall(part.partNumber, part.size, this.minPartSize);
    });
    const total = chosen.reduce((sum, part) => sum + part.size, 0);
    if (total > this.deps.maxObjectSize) throw new EntityTooLarge(this.deps.maxObjectSize);

    const ingest = await objects.beginIngest(upload, undefined, { sizeHint: total });
    let record: ObjectRecord;
    try {
      for (const part of chosen) {
        if (part.size === 0) continue;
        for await (const chunk of blobs.openRange(part.blobName, 0, part.size - 1)) await ingest.append(chunk as Buffer);
      }
      await ingest.finish({ size: total, md5: null });
      const attributes = { bucketId: upload.bucketId, key: upload.key, storageClass: upload.storageClass, httpMeta: upload.httpMeta, userMeta: upload.userMeta, sourceUrl: null };
      record = (await objects.commit(ingest, attributes))!;
    } finally {
      await ingest.discard();
    }
    await this.removeUpload(upload.uploadId);
    return record;
  }

  /** Aborts an upload: its parts are removed. NoSuchUpload when it is gone already. */
  async abort(upload: MultipartUploadRecord): Promise<void> {
    if (!(await this.removeUpload(upload.uploadId))) throw new NoSuchUpload(upload.uploadId);
  }

  /**
   * At start, after the object service's recovery removed every journaled blob (parts included):
   * aborts every upload, whose parts are gone.
   */
  async recover(): Promise<number> {
    const { count } = await this.deps.db().multipartUpload.deleteMany({});
    return count;
  }

  /** Aborts uploads started more than `maxAgeMs` ago; returns how many. */
  async sweep(maxAgeMs: number, now = new Date()): Promise<number> {
    const old = await this.deps.db().multipartUpload.findMany({ where: { createdAt: { lt: new Date(now.getTime() - maxAgeMs) } }, select: { uploadId: true } });
    let aborted = 0;
    for (const { uploadId } of old) if (await this.removeUpload(uploadId)) aborted += 1;
    return aborted;
  }

  /** Deletes an upload's rows (parts cascade), then its part blobs and their journal entries. */
  private async removeUpload(uploadId: string): Promise<boolean> {
    const parts = await this.deps.db().$transaction(async (tx) => {
      const upload = await tx.multipartUpload.findFirst({ where: { uploadId }, select: { id: true, parts: { select: { blobName: true, pending: true } } } });
      if (!upload) return null;
      await tx.multipartUpload.delete({ where: { id: upload.id } });
      return upload.parts;
    });
    if (parts === null) return false;
    await Promise.all(parts.map((part) => this.dropBlob(part)));
    return true;
  }

  private async dropBlob(blob: { blobName: string; pending: number }): Promise<void> {
    await this.deps.blobs.remove(blob.blobName);
    void this.deps.journal.endBlob(blob.pending);
  }
}
