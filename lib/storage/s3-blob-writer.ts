/**
 * One blob on its way into an S3-compatible store. Bytes are cut into parts of `partSize` and
 * uploaded while the body still arrives (at most `concurrency` parts in flight, so memory per
 * write stays under (concurrency + 1) × partSize); the multipart upload is created with the first
 * full part, so a body that fits in one part is sent as one PutObject at the commit instead. The
 * blob becomes visible under its name only at the commit (CompleteMultipartUpload or that
 * PutObject), after the object service has journaled the name: crash safety is the same as on disk.
 *
 * Not @aws-sdk/lib-storage's Upload: it completes the upload the moment its body stream ends and
 * cannot hold that until the commit, and an abort there leaves the multipart upload in place until
 * the body stream ends.
 *
 * Readers behind a live write: S3 cannot read back an upload that is not complete, so a writer
 * created with `readBehind` (a back-to-origin fetch, whose single-flight followers and slow clients
 * read what was written so far) also keeps the bytes in a local temporary file until it is closed.
 * It is bounded by the object's size and removed when the fetch ends; uploads and multipart parts
 * have no readers and write nothing locally.
 */
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  UploadPartCommand,
  type S3Client,
} from "@aws-sdk/client-s3";
import type { BlobWriter } from "./blob-store";
import type { TempFile } from "./temp-dir";

export interface S3WriteTarget {
  client: S3Client;
  bucket: string;
  partSize: number;
  concurrency: number;
}

export class S3BlobWriter implements BlobWriter {
  private buffered: Buffer[] = [];
  private bufferedBytes = 0;
  private uploadId: string | null = null;
  private partsSent = 0;
  private readonly parts: { PartNumber: number; ETag: string }[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private failure: Error | null = null;
  private committed = false;
  private discarded = false;

  constructor(
    private readonly target: S3WriteTarget,
    readonly name: string,
    private readonly spool: TempFile | null,
  ) {}

  async append(chunks: Buffer[]): Promise<void> {
    if (this.failure) throw this.failure;
    const spooled = this.spool?.append(chunks);
    for (const chunk of chunks) {
      this.buffered.push(chunk);
      this.bufferedBytes += chunk.length;
    }
    while (this.bufferedBytes >= this.target.partSize) await this.sendPart(this.takeBuffered(this.target.partSize));
    await spooled;
    if (this.failure) throw this.failure;
  }

  /** The spool's descriptor when reading behind (uploads keep no local copy). */
  get localFd(): number | null {
    return this.spool?.fd ?? null;
  }

  async read(offset: number, length: number): Promise<Buffer> {
    if (!this.spool) throw new Error("this blob write was not opened for reading behind it");
    return this.spool.read(offset, length);
  }

  async commit(): Promise<void> {
    if (this.failure) throw this.failure;
    const { client, bucket } = this.target;
    if (this.uploadId === null) {
      const body = this.takeBuffered(this.bufferedBytes);
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: this.name, Body: body, ContentLength: body.length }));
    } else {
      if (this.bufferedBytes > 0) await this.sendPart(this.takeBuffered(this.bufferedBytes));
      await this.settle();
      if (this.failure) throw this.failure;
      const parts = [...this.parts].sort((a, b) => a.PartNumber - b.PartNumber);
      await client.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: this.name, UploadId: this.uploadId, MultipartUpload: { Parts: parts } }));
    }
    this.committed = true;
  }

  async discard(): Promise<void> {
    if (this.discarded) return;
    this.discarded = true;
    this.buffered = [];
    this.bufferedBytes = 0;
    await this.settle();
    if (!this.committed && this.uploadId !== null) {
      // A part still arriving at the store would survive an earlier abort: the parts are settled first.
      await this.target.client
        .send(new AbortMultipartUploadCommand({ Bucket: this.target.bucket, Key: this.name, UploadId: this.uploadId }))
        .catch(() => undefined); // left for the next start or fsck, which abort what is unfinished
    }
    await this.close();
  }

  async close(): Promise<void> {
    await this.spool?.remove();
  }

  /** Uploads one part, after waiting for a free slot; a failure is kept for the next call. */
  private async sendPart(body: Buffer): Promise<void> {
    while (this.inFlight.size >= this.target.concurrency) await Promise.race(this.inFlight);
    if (this.failure) throw this.failure;
    const { client, bucket } = this.target;
    this.uploadId ??= await this.createUpload();
    const partNumber = ++this.partsSent;
    const upload = client
      .send(new UploadPartCommand({ Bucket: bucket, Key: this.name, UploadId: this.uploadId, PartNumber: partNumber, Body: body, ContentLength: body.length }))
      .then(
        ({ ETag }) => {
          if (!ETag) throw new Error(`the blob store answered part ${partNumber} of ${this.name} without an ETag`);
          this.parts.push({ PartNumber: partNumber, ETag });
        },
      )
      .catch((error: Error) => {
        this.failure ??= error;
      })
      .finally(() => this.inFlight.delete(upload));
    this.inFlight.add(upload);
  }

  private async createUpload(): Promise<string> {
    const { UploadId } = await this.target.client.send(new CreateMultipartUploadCommand({ Bucket: this.target.bucket, Key: this.name }));
    if (!UploadId) throw new Error(`the blob store started an upload of ${this.name} without an upload id`);
    return UploadId;
  }

  private settle(): Promise<unknown> {
    return Promise.allSettled([...this.inFlight]);
  }

  /** The first `bytes` of the buffered chunks as one Buffer (a chunk that straddles the cut is split). */
  private takeBuffered(bytes: number): Buffer {
    const taken: Buffer[] = [];
    let left = bytes;
    while (left > 0) {
      const chunk = this.buffered[0]!;
      if (chunk.length <= left) {
        taken.push(chunk);
        this.buffered.shift();
        left -= chunk.length;
      } else {
        taken.push(chunk.subarray(0, left));
        this.buffered[0] = chunk.subarray(left);
        left = 0;
      }
    }
    this.bufferedBytes -= bytes;
    return taken.length === 1 ? taken[0]! : Buffer.concat(taken, bytes);
  }
}
