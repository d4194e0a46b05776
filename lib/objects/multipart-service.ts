/**
 * Multipart uploads (S3's CreateMultipartUpload, UploadPart, CompleteMultipartUpload, Abort,
 * ListParts, ListMultipartUploads; BOS's the same), over the same blob store, ingest pipeline and
 * commit as every other write. No HTTP here.
 *
 * - A part streams through the ingest pipeline (size limit, MD5, batched writes) into a blob of its
 *   own; it is never held in memory. The blob is journaled before it becomes visible, and the
 *   transaction that saves the part's row settles the entry: from then on the row points at the
 *   blob, as an object's row does, so the part survives a crash or restart (start-up resolves only
 *   journaled blobs) and `npm run fsck` counts it as referenced.
 * - Completion copies nothing: in one transaction the object's row is written with the parts'
 *   blobs as its segments, in order, and the upload's rows are deleted (parts not listed are
 *   journaled and removed). The ETag is S3's: the MD5 of the parts' MD5s and `-N`.
 * - An abort deletes the rows and journals the part blobs in one transaction, then removes them.
 *   `sweep` aborts uploads older than a maximum age (at start-up and then hourly).
 */
import { directSql } from "@/lib/db/direct-sql";
import { serializable } from "@/lib/db/transactions";
import { randomBytes } from "node:crypto";
import { EntityTooLarge, EntityTooSmall, InvalidPart, InvalidPartOrder, NoSuchUpload } from "@/lib/domain/errors";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import type { BlobStore } from "@/lib/storage/blob-store";
import type { IngestExpectation } from "./ingest";
import { compareUtf8 } from "./key-order";
import { multipartEtag, type ObjectRecord } from "./object-meta";
import type { ObjectRepository } from "./object-repository";
import type { LateAttributes, ObjectAttributes, ObjectService } from "./object-service";
import { WriteJournal, type PendingBlob } from "./write-journal";

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
  /** Verified x-amz-checksum-* values of the part (algorithm to base64). */
  checksums: Record<string, string>;
  lastModified: Date;
}

/** A part as a completion request lists it. */
export interface ListedPart {
  partNumber: number;
  etag: string;
  /** Checksums the client lists for the part (algorithm to base64): each must be the stored one. */
  checksums?: Record<string, string>;
}

export interface CompleteOptions {
  /** The object's checksums from its parts' (in order); the protocol knows the algorithms. */
  combineChecksums?: (parts: Record<string, string>[]) => Record<string, string>;
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
  async uploadPart(upload: MultipartUploadRecord, partNumber: number, body: AsyncIterable<Buffer>, expected: IngestExpectation, late: LateAttributes = {}): Promise<PartRecord> {
    if (expected.size !== null && expected.size > this.deps.maxObjectSize) throw new EntityTooLarge(this.deps.maxObjectSize, "The part");
    const { db, journal, objects } = this.deps;
    const ingest = await objects.beginIngest(upload, undefined, { sizeHint: expected.size });
    try {
      for await (const chunk of body) await ingest.append(chunk);
      const { size, md5 } = await ingest.finish(expected);
      const checksums = late.checksums?.() ?? {};
      const owner = { bucketId: upload.bucketId, key: upload.key };
      const blobName = ingest.writer.name;
      const pending = await journal.beginBlob({ ...owner, blobName });
      let replaced: { blobName: string; pending: number } | null;
      let saved;
      try {
        await ingest.writer.commit();
        // SERIALIZABLE: the part replaced is the one read here, and the upload must still exist when
        // the row is written (a concurrent completion or abort that read the old part must not win too).
        ({ replaced, saved } = await serializable(db(), async (tx) => {
          const parent = await tx.multipartUpload.findFirst({ where: { uploadId: upload.uploadId }, select: { id: true } });
          if (!parent) throw new NoSuchUpload(upload.uploadId);
          const where = { uploadId_partNumber: { uploadId: parent.id, partNumber } };
          const old = await tx.multipartPart.findUnique({ where, select: { blobName: true } });
          const data = { size: BigInt(size), etag: md5, checksums: JSON.stringify(checksums), blobName, createdAt: new Date() };
          const row = await tx.multipartPart.upsert({ where, create: { uploadId: parent.id, partNumber, ...data }, update: data });
          // The row points at the new blob now (its entry settles); the replaced one is journaled.
          const [entry] = await WriteJournal.inTransaction(directSql(db()).within(tx), { settled: pending, dropped: old ? [{ ...owner, blobName: old.blobName }] : [] });
          return { replaced: old ? { blobName: old.blobName, pending: entry! } : null, saved: row };
        }));
      } catch (error) {
        await this.dropBlob({ blobName, pending }).catch(() => undefined);
        throw error;
      }
      if (replaced) await this.dropBlob(replaced);
      return { partNumber, size, etag: md5, checksums, lastModified: saved.createdAt };
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
    const parts = rows.slice(0, maxParts).map((row) => ({
      partNumber: row.partNumber,
      size: Number(row.size),
      etag: row.etag,
      checksums: JSON.parse(row.checksums) as Record<string, string>,
      lastModified: row.createdAt,
    }));
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
   * then makes their blobs the object's, in order, without copying (see the file comment).
   */
  async complete(upload: MultipartUploadRecord, listed: ListedPart[], options: CompleteOptions = {}): Promise<ObjectRecord> {
    const { db, objects } = this.deps;
    if (listed.length === 0) throw new InvalidPart(0, "is missing: list at least one part");
    const rows = await db().multipartPart.findMany({ where: { upload: { uploadId: upload.uploadId } } });
    const byNumber = new Map(rows.map((row) => [row.partNumber, row]));
    const chosen = listed.map(({ partNumber, etag, checksums }, index) => {
      if (index > 0 && partNumber <= listed[index - 1]!.partNumber) throw new InvalidPartOrder();
      const row = byNumber.get(partNumber);
      if (!row) throw new InvalidPart(partNumber, "was not uploaded (or was replaced)");
      if (etag.replaceAll('"', "").toLowerCase() !== row.etag) throw new InvalidPart(partNumber, `has ETag "${row.etag}", not ${etag}`);
      const stored = JSON.parse(row.checksums) as Record<string, string>;
      for (const [algorithm, value] of Object.entries(checksums ?? {})) {
        if (stored[algorithm] !== value) throw new InvalidPart(partNumber, `was uploaded with ${stored[algorithm] ? `${algorithm} checksum ${stored[algorithm]}` : `no ${algorithm} checksum`}, not ${value}`);
      }
      return { partNumber, size: Number(row.size), etag: row.etag, blobName: row.blobName, checksums: stored };
    });
    chosen.forEach((part, index) => {
      if (index < chosen.length - 1 && part.size < this.minPartSize) throw new EntityTooSmall(part.partNumber, part.size, this.minPartSize);
    });
    const total = chosen.reduce((sum, part) => sum + part.size, 0);
    if (total > this.deps.maxObjectSize) throw new EntityTooLarge(this.deps.maxObjectSize);

    const attributes = {
      bucketId: upload.bucketId,
      key: upload.key,
      storageClass: upload.storageClass,
      httpMeta: upload.httpMeta,
      userMeta: upload.userMeta,
      checksums: options.combineChecksums?.(chosen.map((part) => part.checksums)) ?? {},
      sourceUrl: null,
    };
    const content = { etag: multipartEtag(chosen.map((part) => part.etag)), blobs: chosen.map((part) => ({ blobName: part.blobName, size: part.size })) };
    // In the object's transaction: the upload must still be there with the same blobs (a part
    // uploaded again meanwhile, a second completion or an abort make this one fail).
    return objects.commitBlobs(attributes, content, async (tx) => {
      const parent = await tx.multipartUpload.findFirst({ where: { uploadId: upload.uploadId }, select: { id: true, parts: { select: { partNumber: true, blobName: true } } } });
      if (!parent) throw new NoSuchUpload(upload.uploadId);
      const current = new Map(parent.parts.map((part) => [part.partNumber, part.blobName]));
      for (const part of chosen) if (current.get(part.partNumber) !== part.blobName) throw new InvalidPart(part.partNumber, "was uploaded again while the upload was being completed");
      await tx.multipartUpload.delete({ where: { id: parent.id } });
      const used = new Set(chosen.map((part) => part.blobName));
      return parent.parts.filter((part) => !used.has(part.blobName)).map((part) => ({ bucketId: upload.bucketId, key: upload.key, blobName: part.blobName }));
    });
  }

  /** Aborts an upload: its parts are removed. NoSuchUpload when it is gone already. */
  async abort(upload: MultipartUploadRecord): Promise<void> {
    if (!(await this.removeUpload(upload.uploadId))) throw new NoSuchUpload(upload.uploadId);
  }

  /** Aborts uploads started more than `maxAgeMs` ago; returns how many. */
  async sweep(maxAgeMs: number, now = new Date()): Promise<number> {
    const old = await this.deps.db().multipartUpload.findMany({ where: { createdAt: { lt: new Date(now.getTime() - maxAgeMs) } }, select: { uploadId: true } });
    let aborted = 0;
    for (const { uploadId } of old) if (await this.removeUpload(uploadId)) aborted += 1;
    return aborted;
  }

  /** Deletes an upload's rows (parts cascade) and journals its part blobs in one transaction, then removes them. */
  private async removeUpload(uploadId: string): Promise<boolean> {
    // SERIALIZABLE: the parts journaled are exactly the parts deleted (no part uploaded in between).
    const dropped = await serializable(this.deps.db(), async (tx) => {
      const upload = await tx.multipartUpload.findFirst({ where: { uploadId }, select: { id: true, bucketId: true, key: true, parts: { select: { blobName: true } } } });
      if (!upload) return null;
      // Conditional: another instance's sweep may have removed it since it was read (read committed).
      if ((await tx.multipartUpload.deleteMany({ where: { id: upload.id } })).count === 0) return null;
      const blobs: PendingBlob[] = upload.parts.map((part) => ({ bucketId: upload.bucketId, key: upload.key, blobName: part.blobName }));
      const entries = await WriteJournal.inTransaction(directSql(this.deps.db()).within(tx), { dropped: blobs });
      return blobs.map((blob, index) => ({ blobName: blob.blobName, pending: entries[index]! }));
    });
    if (dropped === null) return false;
    await Promise.all(dropped.map((blob) => this.dropBlob(blob)));
    return true;
  }

  private async dropBlob(blob: { blobName: string; pending: number }): Promise<void> {
    await this.deps.blobs.remove(blob.blobName);
    void this.deps.journal.endBlob(blob.pending);
  }
}
