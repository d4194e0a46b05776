/**
 * One back-to-origin fetch of one object. The body is written to a temporary file as it arrives.
 * Any number of clients stream it: a client that keeps up takes chunks from a bounded in-memory
 * window of the most recent ones, a client that falls behind reads the file (so a slow client
 * never slows the origin, and memory stays bounded). The object is committed only when the body
 * is complete and verified; until then no reader gets the last byte, so a failed fetch reaches
 * every client as a broken response and nothing is stored.
 */
import { createHash } from "node:crypto";
import type { Readable } from "node:stream";
import type { TempFile } from "@/lib/objects/blob-store";
import type { ObjectRecord } from "@/lib/objects/object-meta";
import { blobStore, commitObject, watchMiss, type MissWatch } from "@/lib/objects/object-store";
import { OriginFailure, discardBody } from "./origin-client";

const READ_CHUNK = 1024 * 1024;
/** Recent chunks kept in memory for clients that keep up; older ones are read from the file. */
const WINDOW_BYTES = 16 * 1024 * 1024;
/** Bytes received but not yet on disk before the origin is made to wait. */
const MAX_UNWRITTEN_BYTES = 8 * 1024 * 1024;

/** An origin's answer with a body to store: a 200 from a URL, or another bucket's object. */
export interface OriginSource {
  sourceUrl: string;
  declaredSize: number | null;
  /** Hex MD5 the body must have, when the origin stated one. */
  expectedMd5: string | null;
  httpMeta: Record<string, string>;
  body: Readable;
}

/** Every origin answered 404 (or had no such object). */
export class OriginNotFound extends Error {
  constructor(readonly tried: string[]) {
    super(`the object is not at ${tried.join(" nor at ")}`);
    this.name = "OriginNotFound";
  }
}

export type SourceOpener = () => Promise<OriginSource | "not-found">;

export interface MirrorFetchTarget {
  label: string;
  open: SourceOpener;
}

export interface MirrorFetchInput {
  bucketId: number;
  key: string;
  storageClass: string;
  maxSize: number;
  /** Total time allowed for the body once it starts. */
  bodyTimeoutMs: number;
  /** Primary, then backup: the next is tried on a 404 or a failure before any byte arrived. */
  targets: MirrorFetchTarget[];
}

export class MirrorFetch {
  /** Resolves when a body starts arriving; rejects with OriginNotFound or OriginFailure. */
  readonly head: Promise<OriginSource>;
  /**
   * Resolves once the body is complete and verified: with the stored object, or null when a
   * client's newer write or delete of the key won (the origin copy is then not stored). Rejects
   * when the fetch failed.
   */
  readonly done: Promise<ObjectRecord | null>;
  private readonly watch: MissWatch;
  private resolveHead!: (source: OriginSource) => void;
  private rejectHead!: (error: Error) => void;
  /** Readers and the writer waiting for the next change (bytes received or written, end, failure). */
  private waiters: (() => void)[] = [];
  private temp: TempFile | null = null;
  /** Bytes on disk, readable by clients. */
  private written = 0;
  private received = 0;
  /** Received chunks from file offset `windowStart` on; trimmed from the front once on disk. */
  private window: { start: number; data: Buffer }[] = [];
  private windowStart = 0;
  private unwritten: Buffer[] = [];
  private unwrittenBytes = 0;
  private flushing = false;
  private writeError: Error | null = null;
  private verified = false;
  private failure: Error | null = null;
  private readers = 0;
  /** True once `done` has settled: new requests should read storage, not this fetch. */
  settled = false;

  constructor(private readonly input: MirrorFetchInput) {
    this.watch = watchMiss(input.bucketId, input.key);
    this.head = new Promise((resolve, reject) => {
      this.resolveHead = resolve;
      this.rejectHead = reject;
    });
    this.head.catch(() => undefined);
    this.done = this.run().finally(() => {
      this.settled = true;
      this.watch.release();
      void this.closeIfIdle();
    });
    this.done.catch(() => undefined);
  }

  private async run(): Promise<ObjectRecord | null> {
    const failures: string[] = [];
    /** The same failures in full, for the server log (OriginFailure.detail). */
    const details: string[] = [];
    const notFound: string[] = [];
    try {
      for (const target of this.input.targets) {
        let source: OriginSource | "not-found";
        try {
          source = await target.open();
        } catch (error) {
          failures.push(`${target.label}: ${(error as Error).message}`);
          details.push(`${target.label}: ${error instanceof OriginFailure ? error.detail : (error as Error).message}`);
          continue;
        }
        if (source === "not-found") notFound.push(target.label);
        else return await this.receive(source);
      }
      throw failures.length > 0 ? new OriginFailure("network", failures.join("; "), details.join("; ")) : new OriginNotFound(notFound);
    } catch (error) {
      this.failure = error as Error;
      this.rejectHead(this.failure);
      this.notify();
      if (this.temp) await blobStore().removeTemp(this.temp.path);
      throw error;
    }
  }

  private async receive(source: OriginSource): Promise<ObjectRecord | null> {
    const { maxSize } = this.input;
    if (source.declaredSize !== null && source.declaredSize > maxSize) {
      discardBody(source.body);
      throw new OriginFailure("too-large", `the object is ${source.declaredSize} bytes, more than the ${maxSize}-byte limit`);
    }
    this.temp = await blobStore().createTemp();
    this.resolveHead(source);
    const hash = createHash("md5");
    let timedOut = false;
    const deadline = setTimeout(() => {
      timedOut = true;
      source.body.destroy();
    }, this.input.bodyTimeoutMs);
    try {
      for await (const chunk of source.body as AsyncIterable<Buffer>) {
        if (this.received + chunk.length > maxSize) throw new OriginFailure("too-large", `the body exceeded the ${maxSize}-byte limit`);
        hash.update(chunk);
        this.received += chunk.length;
        this.queueWrite(chunk);
        while (this.unwrittenBytes > MAX_UNWRITTEN_BYTES && !this.writeError) await this.changed();
        if (this.writeError) throw this.writeError;
      }
      while ((this.flushing || this.unwritten.length > 0) && !this.writeError) {
        if (!this.flushing) void this.flushWrites();
        await this.changed();
      }
      if (this.writeError) throw this.writeError;
    } catch (error) {
      discardBody(source.body);
      if (error instanceof OriginFailure) throw error;
      if (timedOut) throw new OriginFailure("timeout", `${source.sourceUrl} took longer than ${this.input.bodyTimeoutMs} ms to send the body`);
      const code = (error as { code?: string }).code;
      if (code === "UND_ERR_BODY_TIMEOUT") throw new OriginFailure("timeout", `${source.sourceUrl} stalled while sending the body`);
      throw new OriginFailure("incomplete", `${source.sourceUrl} broke off after ${this.received} bytes: ${(error as Error).message}`);
    } finally {
      clearTimeout(deadline);
    }
    if (timedOut) throw new OriginFailure("timeout", `${source.sourceUrl} took longer than ${this.input.bodyTimeoutMs} ms to send the body`);
    if (source.declaredSize !== null && this.received !== source.declaredSize) {
      throw new OriginFailure("incomplete", `received ${this.received} of the ${source.declaredSize} bytes ${source.sourceUrl} declared`);
    }
    const md5 = hash.digest("hex");
    if (source.expectedMd5 !== null && source.expectedMd5 !== md5) {
      throw new OriginFailure("digest", `the body's MD5 ${md5} does not match the ${source.expectedMd5} that ${source.sourceUrl} declared`);
    }
    // Committed before the last byte is released: a client that has the whole object can rely on
    // a HEAD, GET or LIST that starts afterwards seeing it, and a failed commit (a full disk)
    // reaches every client as a broken response rather than a 200 that was never stored.
    const stored = await commitObject(
      this.temp,
      {
        bucketId: this.input.bucketId,
        key: this.input.key,
        size: this.written,
        etag: md5,
        storageClass: this.input.storageClass,
        httpMeta: source.httpMeta,
        userMeta: {},
        sourceUrl: source.sourceUrl,
      },
      this.watch,
    );
    this.verified = true;
    this.notify();
    return stored;
  }

  private changed(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  /** Disk writes run behind the download, batched, so the origin is never kept waiting per chunk. */
  private queueWrite(chunk: Buffer): void {
    this.window.push({ start: this.received - chunk.length, data: chunk });
    this.unwritten.push(chunk);
    this.unwrittenBytes += chunk.length;
    if (!this.flushing) void this.flushWrites();
    this.notify();
  }

  /** Drops the oldest chunks beyond the window size, once they are on disk. */
  private trimWindow(): void {
    let held = this.received - this.windowStart;
    while (held > WINDOW_BYTES && this.window.length > 1) {
      const first = this.window[0]!;
      if (first.start + first.data.length > this.written) break;
      this.window.shift();
      this.windowStart = this.window[0]!.start;
      held = this.received - this.windowStart;
    }
  }

  /** Up to `max` bytes from `offset`, from the in-memory window or else from the file. */
  private async bytesAt(offset: number, max: number): Promise<Buffer> {
    if (offset >= this.windowStart) {
      let low = 0;
      let high = this.window.length - 1;
      while (low < high) {
        const middle = (low + high + 1) >> 1;
        if (this.window[middle]!.start <= offset) low = middle;
        else high = middle - 1;
      }
      const chunk = this.window[low]!;
      const from = offset - chunk.start;
      return chunk.data.subarray(from, from + Math.min(max, chunk.data.length - from));
    }
    if (!this.temp) throw new Error("the fetch was closed before this reader finished");
    const buffer = Buffer.allocUnsafe(Math.min(max, this.windowStart - offset, READ_CHUNK));
    const { bytesRead } = await this.temp.handle.read(buffer, 0, buffer.length, offset);
    return buffer.subarray(0, bytesRead);
  }

  /** Writes queued chunks until none are left; `flushing` is cleared in the same tick as the last check. */
  private async flushWrites(): Promise<void> {
    this.flushing = true;
    try {
      while (this.unwritten.length > 0) {
        if (!this.temp) throw new Error("no temporary file to write to");
        let batch = this.unwritten;
        this.unwritten = [];
        let size = batch.reduce((sum, buffer) => sum + buffer.length, 0);
        this.unwrittenBytes -= size;
        while (size > 0) {
          const { bytesWritten } = await this.temp.handle.writev(batch, this.written);
          this.written += bytesWritten;
          size -= bytesWritten;
          if (size > 0) batch = [Buffer.concat(batch).subarray(bytesWritten)];
        }
        this.trimWindow();
      }
    } catch (error) {
      this.writeError = error as Error;
    } finally {
      this.flushing = false;
      this.notify();
    }
  }

  /** The body as it arrives, for one client. Throws if the fetch fails; ends once verified. */
  async *read(): AsyncGenerator<Buffer> {
    this.readers += 1;
    try {
      let offset = 0;
      for (;;) {
        if (this.failure) throw this.failure;
        // The last byte waits for verification: with a declared length, a client holding every
        // byte would take the response as complete even if the check then failed.
        const available = this.verified ? this.received : this.received - 1;
        if (offset < available) {
          const bytes = await this.bytesAt(offset, available - offset);
          offset += bytes.length;
          yield bytes;
        } else if (this.verified) {
          return; // offset === received
        } else {
          await this.changed();
        }
      }
    } finally {
      this.readers -= 1;
      void this.closeIfIdle();
    }
  }

  private async closeIfIdle(): Promise<void> {
    if (!this.settled || this.readers > 0 || !this.temp) return;
    const { handle } = this.temp;
    this.temp = null;
    await handle.close().catch(() => undefined);
  }
}
