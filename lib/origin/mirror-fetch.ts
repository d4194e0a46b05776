/**
 * One back-to-origin fetch of one object. The body goes through the object service's ingest
 * pipeline (limit, digest, batched writes) as it arrives, in batches: the chunks that came in
 * during one turn of the event loop travel together (read-batches.ts), to the ingest and to each
 * client, so the work per 64 KiB socket read is paid per batch instead. Any number of clients stream it: a
 * client that keeps up takes chunks from a bounded in-memory window of the most recent ones, a
 * client that falls behind reads what is already written (so a slow client never slows the
 * origin, and memory stays bounded). The object is committed only when the body is complete and
 * verified, and no reader gets the last byte before the commit, so a failed fetch reaches every
 * client as a broken response and nothing is stored.
 */
import type { Readable } from "node:stream";
import { BadDigest, EntityTooLarge, IncompleteBody, OriginBusy, OriginFailure, OriginNotFound, OriginUnavailable } from "@/lib/domain/errors";
import type { BlobIngest } from "@/lib/objects/ingest";
import type { ObjectRecord } from "@/lib/objects/object-meta";
import type { ObjectService } from "@/lib/objects/object-service";
import type { MissWatch } from "@/lib/objects/miss-watch";
import type { BlobWriter } from "@/lib/storage/blob-store";
import { discardBody } from "./origin-client";
import { readBatches } from "./read-batches";

export { OriginNotFound };

const READ_CHUNK = 1024 * 1024;
/** Most bytes a client is handed in one batch (one corked write to its socket). */
const CLIENT_BATCH_BYTES = 2 * 1024 * 1024;
/**
 * Recent chunks kept in memory for clients that keep up; older ones are read back from storage.
 * Small on purpose: every origin chunk is a fresh 64 KiB Buffer, V8 scavenges young buffers each
 * time ~32 MB of them pile up, and chunks still held at a second scavenge are promoted, where they
 * count towards a mark-compact of the whole heap. With 16 MiB held, 8 misses of 64 MiB paid 11
 * mark-compacts and 579 ms of CPU each (all threads); with 2 MiB, none and 396 ms
 * (`npx tsx bench/profile-miss.ts --no-profile --trace-gc`), and a miss took 0.66-0.80 of the time
 * (bench/objects.ts --misses-only --baseline, the two alternating in one run). The ingest's own
 * limit (MAX_UNWRITTEN_BYTES) still decides how far the disk may lag.
 */
const WINDOW_BYTES = 2 * 1024 * 1024;

/** An origin's answer with a body to store: a 200 from a URL, or another bucket's object. */
export interface OriginSource {
  sourceUrl: string;
  declaredSize: number | null;
  /** Hex MD5 the body must have, when the origin stated one. */
  expectedMd5: string | null;
  httpMeta: Record<string, string>;
  body: Readable;
  /** The origin's HTTP status (absent for a bucket origin, which has none). */
  status?: number;
  /** Told once how the body went: null when it arrived whole and verified, else why not. */
  finished?: (failure: Error | null) => void;
}

/**
 * Asks one origin. `admitted` is called once the request may go out (the origin's gate let it
 * through), before it does: the fetch then makes its temporary file while the origin answers.
 */
export type SourceOpener = (admitted: () => void) => Promise<OriginSource | "not-found">;

export interface MirrorFetchTarget {
  label: string;
  open: SourceOpener;
}

export interface MirrorFetchInput {
  bucketId: number;
  key: string;
  storageClass: string;
  /** Total time allowed for the body once it starts. */
  bodyTimeoutMs: number;
  /** Primary, then backup: the next is tried on a 404 or a failure before any byte arrived. */
  targets: MirrorFetchTarget[];
  /** Replace a stored version (an import with `overwrite`, FetchObject); a client's write during the fetch still wins. */
  replace?: boolean;
  /** The key's fetch lease this fetch holds (cluster-flight.ts); null outside the lease table (tests). */
  leaseToken?: string | null;
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
  private ingest: BlobIngest | null = null;
  /**
   * The blob writer, made once a request is let through to an origin, while it answers: off the
   * first byte's path, and never for a fetch refused or queued at the gate. Discarded if no body comes.
   */
  private aheadWriter: Promise<BlobWriter> | null = null;
  private readonly admitted = (): void => void this.writerAhead();
  private received = 0;
  /** Received chunks from offset `windowStart` on; trimmed from the front once written. */
  private window: { start: number; data: Buffer }[] = [];
  private windowStart = 0;
  /** True once the object is committed (or a newer client write made the commit moot). */
  private verified = false;
  private failure: Error | null = null;
  private readers = 0;
  /** True once `done` has settled: new requests should read storage, not this fetch. */
  settled = false;
  /** The address asked last (the backup after the primary failed), and its HTTP status: for the outcome report. */
  originUrl: string | null = null;
  originStatus: number | null = null;

  constructor(
    private readonly objects: ObjectService,
    private readonly input: MirrorFetchInput,
  ) {
    this.watch = objects.watchMiss(input.bucketId, input.key, input.leaseToken ?? null);
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
    /** Targets that were not asked: their origin's queue was full or its circuit breaker open. */
    const refusals: (OriginBusy | OriginUnavailable)[] = [];
    try {
      for (const target of this.input.targets) {
        let source: OriginSource | "not-found";
        this.originUrl = target.label;
        try {
          source = await target.open(this.admitted);
        } catch (error) {
          this.originStatus = error instanceof OriginFailure ? (error.status ?? null) : null;
          if (error instanceof OriginBusy || error instanceof OriginUnavailable) refusals.push(error);
          failures.push(`${target.label}: ${(error as Error).message}`);
          details.push(`${target.label}: ${error instanceof OriginFailure ? error.detail : (error as Error).message}`);
          continue;
        }
        if (source === "not-found") {
          this.originStatus = 404;
          notFound.push(target.label);
        } else {
          this.originUrl = source.sourceUrl;
          this.originStatus = source.status ?? null;
          return await this.receive(source, this.writerAhead());
        }
      }
      // Nobody was asked: the client hears why (SlowDown to come back soon, or the origin is down).
      if (refusals.length > 0 && refusals.length === failures.length && notFound.length === 0) {
        throw refusals.find((refusal) => refusal instanceof OriginBusy) ?? refusals[0]!;
      }
      throw failures.length > 0 ? new OriginFailure("network", failures.join("; "), details.join("; ")) : new OriginNotFound(notFound);
    } catch (error) {
      // No body came (a 404, a refused or failed origin): the writer made ahead goes before anyone
      // hears, so that `head` and `done` settle together, as they did before it existed (a miss
      // arriving between the two would join this failed fetch), and nothing is left behind.
      if (!this.ingest && this.aheadWriter) await this.aheadWriter.then((unused) => unused.discard()).catch(() => undefined);
      this.failure = error as Error;
      this.rejectHead(this.failure);
      this.notify();
      await this.ingest?.discard();
      throw error;
    }
  }

  private writerAhead(): Promise<BlobWriter> {
    if (!this.aheadWriter) {
      this.aheadWriter = this.objects.createWriter(this.input, { readBehind: true });
      this.aheadWriter.catch(() => undefined);
    }
    return this.aheadWriter;
  }

  private async receive(source: OriginSource, writer: Promise<BlobWriter>): Promise<ObjectRecord | null> {
    try {
      const stored = await this.receiveBody(source, writer);
      source.finished?.(null);
      return stored;
    } catch (error) {
      source.finished?.(error as Error);
      throw error;
    }
  }

  private async receiveBody(source: OriginSource, writer: Promise<BlobWriter>): Promise<ObjectRecord | null> {
    const maxSize = this.objects.maxObjectSize;
    if (source.declaredSize !== null && source.declaredSize > maxSize) {
      discardBody(source.body);
      throw new OriginFailure("too-large", `the object is ${source.declaredSize} bytes, more than the ${maxSize}-byte limit`);
    }
    const ingest = await this.objects.beginIngest(
      this.input,
      () => {
        this.trimWindow();
        this.notify();
      },
      { sizeHint: source.declaredSize, writer },
    );
    this.ingest = ingest;
    this.resolveHead(source);
    let timedOut = false;
    const deadline = setTimeout(() => {
      timedOut = true;
      source.body.destroy();
    }, this.input.bodyTimeoutMs);
    try {
      for await (const batch of readBatches(source.body)) {
        for (const chunk of batch) {
          this.window.push({ start: this.received, data: chunk });
          this.received += chunk.length;
        }
        this.notify();
        await ingest.appendBatch(batch);
      }
      if (timedOut) throw new OriginFailure("timeout", `${source.sourceUrl} took longer than ${this.input.bodyTimeoutMs} ms to send the body`);
      await ingest.finish({ size: source.declaredSize, md5: source.expectedMd5 });
    } catch (error) {
      discardBody(source.body);
      throw this.describeFailure(error, source, timedOut);
    } finally {
      clearTimeout(deadline);
    }
    // Committed before the last byte is released: a client that has the whole object can rely on
    // a HEAD, GET or LIST that starts afterwards seeing it, and a failed commit (a full disk)
    // reaches every client as a broken response rather than a 200 that was never stored.
    const stored = await this.objects.commit(
      ingest,
      {
        bucketId: this.input.bucketId,
        key: this.input.key,
        storageClass: this.input.storageClass,
        httpMeta: source.httpMeta,
        userMeta: {},
        sourceUrl: source.sourceUrl,
      },
      this.watch,
      { replace: this.input.replace },
    );
    this.verified = true;
    this.notify();
    return stored;
  }

  /** What went wrong while the body arrived, in the origin's terms. */
  private describeFailure(error: unknown, source: OriginSource, timedOut: boolean): Error {
    const from = source.sourceUrl;
    if (error instanceof OriginFailure) return error;
    if (error instanceof EntityTooLarge) return new OriginFailure("too-large", `the body exceeded the ${error.limit}-byte limit`);
    if (error instanceof IncompleteBody) return new OriginFailure("incomplete", `received ${error.received} of the ${error.declared} bytes ${from} declared`);
    if (error instanceof BadDigest) return new OriginFailure("digest", `the body's MD5 ${error.actual} does not match the ${error.expected} that ${from} declared`);
    if (timedOut) return new OriginFailure("timeout", `${from} took longer than ${this.input.bodyTimeoutMs} ms to send the body`);
    const code = (error as { code?: string }).code;
    if (code === "UND_ERR_BODY_TIMEOUT") return new OriginFailure("timeout", `${from} stalled while sending the body`);
    // A storage failure (a full disk) is ours, not the origin's: keep it as it is.
    if (code !== undefined && !code.startsWith("UND_ERR") && code !== "ECONNRESET" && code !== "ERR_STREAM_PREMATURE_CLOSE") return error as Error;
    return new OriginFailure("incomplete", `${from} broke off after ${this.received} bytes: ${(error as Error).message}`);
  }

  /** Bytes received from the origin so far. */
  get receivedBytes(): number {
    return this.received;
  }

  private changed(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  /** Drops the oldest chunks beyond the window size, once they are written. */
  private trimWindow(): void {
    const written = this.ingest?.written ?? 0;
    let held = this.received - this.windowStart;
    while (held > WINDOW_BYTES && this.window.length > 1) {
      const first = this.window[0]!;
      if (first.start + first.data.length > written) break;
      this.window.shift();
      this.windowStart = this.window[0]!.start;
      held = this.received - this.windowStart;
    }
  }

  /** The window's chunks (views of them) covering `offset` up to `end`; none before the window. */
  private windowSlice(offset: number, end: number): Buffer[] {
    if (offset < this.windowStart || this.window.length === 0) return [];
    let low = 0;
    let high = this.window.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (this.window[middle]!.start <= offset) low = middle;
      else high = middle - 1;
    }
    const slice: Buffer[] = [];
    let at = offset;
    for (let i = low; i < this.window.length && at < end; i++) {
      const { start, data } = this.window[i]!;
      const from = at - start;
      const to = Math.min(data.length, end - start);
      slice.push(from === 0 && to === data.length ? data : data.subarray(from, to));
      at = start + to;
    }
    return slice;
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
    if (!this.ingest || this.released) throw new Error("the fetch was closed before this reader finished");
    return this.ingest.read(offset, Math.min(max, this.windowStart - offset, READ_CHUNK));
  }

  /**
   * The body as it arrives, for one client, in batches: everything available in the window (up to
   * CLIENT_BATCH_BYTES) at once, for one corked write. Throws if the fetch fails; ends once verified.
   */
  async *readBatches(): AsyncGenerator<Buffer[]> {
    this.readers += 1;
    try {
      let offset = 0;
      for (;;) {
        if (this.failure) throw this.failure;
        // The last byte waits for the commit: with a declared length, a client holding every byte
        // would take the response as complete even if the check or the commit then failed.
        const available = this.verified ? this.received : this.received - 1;
        if (offset < available) {
          const end = Math.min(available, offset + CLIENT_BATCH_BYTES);
          const batch = offset >= this.windowStart ? this.windowSlice(offset, end) : [await this.bytesAt(offset, end - offset)];
          for (const bytes of batch) offset += bytes.length;
          yield batch;
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

  private released = false;

  /** Releases the written bytes' handle once the fetch is over and no reader needs them. */
  private async closeIfIdle(): Promise<void> {
    if (!this.settled || this.readers > 0 || !this.ingest || this.released) return;
    this.released = true;
    await this.ingest.writer.close().catch(() => undefined);
  }
}
