/**
 * Object bytes in an S3-compatible bucket (BLOB_STORE=s3; tested with Ceph's radosgw 16.2), through
 * @aws-sdk/client-s3. Each blob is one S3 object named exactly as on disk (blob-name.ts), at the
 * bucket's root; the bucket belongs to this service. Writes stream out in parts (s3-blob-writer.ts),
 * reads are ranged GETs streamed through, nothing is buffered whole except small blobs the object
 * service caches anyway. Unfinished writes are the bucket's incomplete multipart uploads (plus the
 * local files of back-to-origin fetches in progress).
 *
 * The client sends plain signed payloads: no aws-chunked bodies and no checksum trailers
 * (`requestChecksumCalculation: "WHEN_REQUIRED"`), which radosgw 16.2 refuses. Integrity rests on
 * the SigV4 payload hash of every request, and on the MD5 the ingest pipeline checked before the
 * commit.
 */
import { Agent as HttpAgent } from "node:http";
import { Agent as HttpsAgent } from "node:https";
import path from "node:path";
import { Readable, type Writable } from "node:stream";
import { writeAll } from "@/lib/streams/writable";
import {
  AbortMultipartUploadCommand,
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  ListPartsCommand,
  S3Client,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import { assertBlobNamePrefix, isBlobName, newBlobName } from "./blob-name";
import type { BlobStore, BlobWriter, UnfinishedWrite, WriterOptions } from "./blob-store";
import { S3BlobWriter, type S3WriteTarget } from "./s3-blob-writer";
import { SpaceReserve } from "./space-reserve";
import { TempDir } from "./temp-dir";

export interface S3BlobStoreOptions {
  endpoint: string;
  bucket: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** The local data directory: back-to-origin spool files and the space reserve. */
  dataDir: string;
  /** Bytes per uploaded part (5 MiB or more). */
  partBytes: number;
  /** The largest object: parts grow when 10,000 of them would not hold it. */
  maxObjectSize: number;
  /** Whose spool files this store's writes are (temp-dir.ts). */
  instanceId?: string | null;
}

/** S3's limit on parts per upload. */
const MAX_PARTS = 10_000;
/** Parts of one write uploading at once. */
const PART_CONCURRENCY = 2;
const CONNECT_TIMEOUT_MS = 5_000;
/** Longest wait for the store to answer one request (a part upload or a GET's next bytes). */
const REQUEST_TIMEOUT_MS = 120_000;

const MULTIPART = "multipart/";
const SPOOL = "spool/";

function isNotFound(error: unknown): boolean {
  return error instanceof S3ServiceException && (error.$metadata.httpStatusCode === 404 || error.name === "NotFound" || error.name === "NoSuchKey");
}

export class S3BlobStore implements BlobStore {
  private readonly client: S3Client;
  private readonly bucket: string;
  private readonly target: S3WriteTarget;
  private readonly spools: TempDir;
  private readonly reserve: SpaceReserve;

  constructor(options: S3BlobStoreOptions) {
    this.bucket = options.bucket;
    const agent = { keepAlive: true, maxSockets: 64 };
    this.client = new S3Client({
      endpoint: options.endpoint,
      region: options.region,
      forcePathStyle: true,
      credentials: { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey },
      requestChecksumCalculation: "WHEN_REQUIRED",
      responseChecksumValidation: "WHEN_REQUIRED",
      requestHandler: {
        httpAgent: new HttpAgent(agent),
        httpsAgent: new HttpsAgent(agent),
        connectionTimeout: CONNECT_TIMEOUT_MS,
        requestTimeout: REQUEST_TIMEOUT_MS,
      },
    });
    const partSize = Math.max(options.partBytes, Math.ceil(options.maxObjectSize / MAX_PARTS / 1024 ** 2) * 1024 ** 2);
    this.target = { client: this.client, bucket: this.bucket, partSize, concurrency: PART_CONCURRENCY };
    this.spools = new TempDir(path.join(options.dataDir, "tmp"), options.instanceId ?? null);
    this.reserve = new SpaceReserve(options.dataDir);
  }

  /**
   * Creates the bucket if it is missing; removes the spool files of instances not in `live`, and
   * aborts every unfinished upload when no other instance is alive. An upload does not say which
   * instance started it (S3 lists no metadata of incomplete uploads), so while another instance
   * is alive they all stay: those a dead instance left go at a later start that finds itself
   * alone, or with `npm run fsck --repair` (unfinished writes idle past its threshold).
   */
  async init(live?: ReadonlySet<string>): Promise<{ unfinished: number }> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
    } catch (error) {
      if (!isNotFound(error)) throw error;
      await this.client.send(new CreateBucketCommand({ Bucket: this.bucket }));
    }
    let unfinished = await this.spools.init(live);
    if (live && live.size > 1) return { unfinished };
    for await (const upload of this.multipartUploads()) {
      await this.abortUpload(upload.key, upload.uploadId);
      unfinished += 1;
    }
    return { unfinished };
  }

  newBlobName(bucketId: number, key: string): string {
    return newBlobName(bucketId, key);
  }

  async createWriter(name: string, options: WriterOptions = {}): Promise<BlobWriter> {
    if (!isBlobName(name)) throw new RangeError(`not a blob name: ${name}`);
    return new S3BlobWriter(this.target, name, options.readBehind ? await this.spools.create() : null);
  }

  openRange(name: string, start: number, end: number): Readable {
    const { client, bucket } = this;
    async function* chunks(): AsyncGenerator<Buffer> {
      let body: Readable;
      try {
        const response = await client.send(new GetObjectCommand({ Bucket: bucket, Key: name, Range: `bytes=${start}-${end}` }));
        body = response.Body as Readable;
      } catch (error) {
        // An empty blob has no byte 0: S3 answers 416 where a file would read nothing.
        if (start === 0 && error instanceof S3ServiceException && error.$metadata.httpStatusCode === 416) return;
        throw error;
      }
      try {
        for await (const chunk of body) yield chunk as Buffer;
      } finally {
        body.destroy();
      }
    }
    return Readable.from(chunks(), { objectMode: false });
  }

  /** The ranged GET's body as it arrives (its buffers are the HTTP client's, not reused here). */
  sendRange(name: string, start: number, end: number, out: Writable, ready?: () => void): Promise<void> {
    return writeAll(out, this.openRange(name, start, end), ready);
  }

  async readAll(name: string): Promise<Buffer> {
    const response = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: name }));
    const bytes = await response.Body!.transformToByteArray();
    // The SDK collects the body into an array of its own (concatBytes), so a view of it is the whole blob without a second copy.
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  async remove(name: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: name }));
  }

  async listNames(prefix: string): Promise<string[]> {
    assertBlobNamePrefix(prefix);
    const names: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token }));
      for (const object of page.Contents ?? []) if (object.Key && isBlobName(object.Key)) names.push(object.Key);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return names;
  }

  async has(name: string): Promise<boolean> {
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: name }));
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }

  /** Incomplete uploads (last written: their newest part) and local spool files. */
  async listUnfinished(): Promise<UnfinishedWrite[]> {
    const found: UnfinishedWrite[] = [];
    for await (const upload of this.multipartUploads()) {
      const parts = await this.client.send(new ListPartsCommand({ Bucket: this.bucket, Key: upload.key, UploadId: upload.uploadId }));
      const times = (parts.Parts ?? []).map((part) => part.LastModified?.getTime() ?? 0);
      found.push({ name: `${MULTIPART}${upload.key}/${upload.uploadId}`, modifiedAt: new Date(Math.max(upload.initiated.getTime(), ...times)) });
    }
    for (const spool of await this.spools.list()) found.push({ name: `${SPOOL}${spool.name}`, modifiedAt: spool.modifiedAt });
    return found;
  }

  async removeUnfinished(name: string): Promise<void> {
    if (name.startsWith(SPOOL)) return this.spools.remove(name.slice(SPOOL.length));
    const slash = name.indexOf("/", MULTIPART.length);
    const key = name.slice(MULTIPART.length, slash);
    if (!name.startsWith(MULTIPART) || slash < 0 || !isBlobName(key) || slash === name.length - 1) throw new RangeError(`not an unfinished write: ${name}`);
    await this.abortUpload(key, name.slice(slash + 1));
  }

  ensureReserve(): Promise<boolean> {
    return this.reserve.ensure();
  }

  releaseReserve(): Promise<boolean> {
    return this.reserve.release();
  }

  async close(): Promise<void> {
    this.client.destroy();
  }

  private async abortUpload(key: string, uploadId: string): Promise<void> {
    try {
      await this.client.send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: key, UploadId: uploadId }));
    } catch (error) {
      if (!(error instanceof S3ServiceException && error.name === "NoSuchUpload")) throw error;
    }
  }

  /** The bucket's incomplete multipart uploads of blob names. */
  private async *multipartUploads(): AsyncGenerator<{ key: string; uploadId: string; initiated: Date }> {
    let keyMarker: string | undefined;
    let uploadIdMarker: string | undefined;
    for (;;) {
      const page = await this.client.send(new ListMultipartUploadsCommand({ Bucket: this.bucket, KeyMarker: keyMarker, UploadIdMarker: uploadIdMarker }));
      for (const upload of page.Uploads ?? []) {
        if (upload.Key && upload.UploadId && isBlobName(upload.Key)) yield { key: upload.Key, uploadId: upload.UploadId, initiated: upload.Initiated ?? new Date(0) };
      }
      if (!page.IsTruncated) return;
      keyMarker = page.NextKeyMarker;
      uploadIdMarker = page.NextUploadIdMarker;
    }
  }
}
