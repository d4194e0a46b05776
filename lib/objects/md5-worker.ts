/**
 * Streaming MD5 computed on a worker thread, so hashing a large body does not hold the event loop
 * (MD5 runs at ~0.6 GB/s on one core: ~100 ms of a 64 MiB mirror miss otherwise spent on the
 * main thread).
 *
 * `update(chunk)` copies the bytes into a batch buffer (one memcpy, ~10x cheaper than hashing them)
 * and, once the batch is full, transfers it to the worker without a further copy; the worker hands
 * the buffer back after hashing, and batch buffers are pooled, so steady state allocates nothing.
 * `update` never waits: a caller that must bound memory watches `pendingBytes` and awaits
 * `whenPendingAtMost(n)` (bytes handed over but not hashed yet), like any other backpressure.
 *
 * One pool of long-lived workers serves every stream (starting a worker costs ~30 ms, far more than
 * hashing a small object). A worker keeps the process alive only while it has work in flight, and
 * a stream that is dropped without `digest` or `abort` is cleaned up when it is garbage-collected.
 *
 * `createMd5()` without a size hint starts inline and moves to a worker only once the body passes
 * INLINE_BELOW_BYTES, so small uploads never pay the round trip.
 *
 * A worker stream can instead hash bytes that are already in a local file (`updateFromFile`): the
 * worker reads them back from the page cache with pread, so the event loop copies nothing and posts
 * one small message per written range. The ingest does this for a large body written to a
 * temporary file (ingest.ts): copying into the batches and transferring them cost the event loop
 * ~50 ms of CPU per 64 MiB, reading back from the file ~1 ms (bench/micro/md5-worker.ts).
 */
import { createHash, type Hash } from "node:crypto";
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";

export interface Md5Stream {
  /** Where the hash is computed ("adaptive": inline until the body is large, then a worker). */
  readonly kind: "inline" | "worker" | "adaptive";
  /** Adds bytes. Never blocks on the hash; the caller may reuse `chunk` as soon as this returns. */
  update(chunk: Uint8Array): void;
  /**
   * Worker streams only: adds `length` bytes read from descriptor `fd` at `position` (on the worker
   * thread; the bytes must be written already and the descriptor stay open until the digest). Not
   * to be mixed with `update` in one stream.
   */
  updateFromFile?(fd: number, position: number, length: number): void;
  /** Bytes given to `update` whose hash is not computed yet. */
  readonly pendingBytes: number;
  /** Resolves once at most `bytes` are pending (backpressure for bounded memory). */
  whenPendingAtMost(bytes: number): Promise<void>;
  /** Hex MD5 of everything given to `update`. The stream cannot be used afterwards. */
  digest(): Promise<string>;
  /** Drops the stream (a failed ingest); a pending `digest` rejects. Harmless after `digest`. */
  abort(): void;
}

/** Below this size, hashing inline costs less than the round trip to a worker (~0.1 ms). */
export const INLINE_BELOW_BYTES = 512 * 1024;
/** Bytes per message to the worker: large enough that messaging costs nothing per byte. */
export const DEFAULT_BATCH_BYTES = 1024 * 1024;
/** Free batch buffers kept for reuse, across streams: warm memory, no allocation per batch. */
const SPARE_BUFFERS = 16;
const spare = new Map<number, ArrayBuffer[]>();

/** A batch buffer: a spare of that size, else a new one left uninitialised (it is written before it is read). */
function takeBuffer(size: number): ArrayBuffer {
  return spare.get(size)?.pop() ?? (Buffer.allocUnsafeSlow(size).buffer as ArrayBuffer);
}

function giveBack(buffer: ArrayBuffer): void {
  const list = spare.get(buffer.byteLength) ?? [];
  if (list.length >= SPARE_BUFFERS) return;
  list.push(buffer);
  spare.set(buffer.byteLength, list);
}

// Plain CommonJS, evaluated in the worker: no loader (tsx, vitest, bundlers) is involved.
const WORKER_SOURCE = `
const { parentPort } = require("node:worker_threads");
const { createHash } = require("node:crypto");
const { readSync } = require("node:fs");
const hashes = new Map();
let readBuffer = null;
const hashOf = (id) => {
  let hash = hashes.get(id);
  if (hash === undefined) hashes.set(id, (hash = createHash("md5")));
  return hash;
};
parentPort.on("message", (m) => {
  // [0, id, buffer, length] update · [3, id, fd, position, length] update from a file · [1, id] digest · [2, id] abort
  const id = m[1];
  if (m[0] === 0) {
    hashOf(id).update(new Uint8Array(m[2], 0, m[3]));
    parentPort.postMessage([0, id, m[2], m[3]], [m[2]]);
  } else if (m[0] === 3) {
    const hash = hashOf(id);
    readBuffer ??= Buffer.allocUnsafe(1024 * 1024);
    try {
      for (let done = 0; done < m[4]; ) {
        const got = readSync(m[2], readBuffer, 0, Math.min(readBuffer.length, m[4] - done), m[3] + done);
        if (got === 0) throw new Error("the file ends before the bytes written to it");
        hash.update(readBuffer.subarray(0, got));
        done += got;
      }
      parentPort.postMessage([0, id, null, m[4]]);
    } catch (error) {
      hashes.delete(id);
      parentPort.postMessage([3, id, "reading back the written bytes failed: " + error.message]);
    }
  } else if (m[0] === 1) {
    const hash = hashes.get(id) ?? createHash("md5");
    hashes.delete(id);
    parentPort.postMessage([1, id, hash.digest("hex")]);
  } else {
    hashes.delete(id);
  }
});
`;

/** [0, id, buffer or null (read from a file), bytes hashed] · [1, id, hex digest] · [3, id, why it failed] */
type WorkerReply = [0, number, ArrayBuffer | null, number] | [1, number, string] | [3, number, string];

class InlineMd5 implements Md5Stream {
  readonly kind = "inline";
  private hash: Hash | null = createHash("md5");
  readonly pendingBytes = 0;

  update(chunk: Uint8Array): void {
    if (!this.hash) throw new Error("the MD5 stream is finished");
    this.hash.update(chunk);
  }

  whenPendingAtMost(): Promise<void> {
    return Promise.resolve();
  }

  digest(): Promise<string> {
    if (!this.hash) return Promise.reject(new Error("the MD5 stream is finished"));
    const hex = this.hash.digest("hex");
    this.hash = null;
    return Promise.resolve(hex);
  }

  abort(): void {
    this.hash = null;
  }
}

/**
 * One worker thread and the streams it is hashing. Streams are held weakly (a dropped one is
 * cleaned up), except while someone awaits them (a digest or a backpressure wait): that promise
 * can only be settled through the stream, so it must not be collected meanwhile.
 */
class HashWorker {
  private readonly worker: Worker;
  private readonly streams = new Map<number, WeakRef<WorkerMd5>>();
  private readonly awaited = new Map<number, WorkerMd5>();
  /** Messages sent that await a reply: the worker is ref'd (keeps the process alive) only then. */
  private inFlight = 0;
  private readonly cleanup = new FinalizationRegistry<number>((id) => {
    if (this.streams.delete(id) && !this.failure) this.worker.postMessage([2, id]);
  });
  failure: Error | null = null;

  constructor(private readonly onGone: (worker: HashWorker) => void) {
    this.worker = new Worker(WORKER_SOURCE, { eval: true, name: "md5" });
    this.worker.unref();
    this.worker.on("message", (reply: WorkerReply) => {
      if (--this.inFlight === 0) this.worker.unref();
      this.streams.get(reply[1])?.deref()?.receive(reply);
    });
    const fail = (error: Error) => {
      if (this.failure) return;
      this.failure = error;
      this.onGone(this);
      for (const stream of this.streams.values()) stream.deref()?.fail(error);
      this.streams.clear();
      this.awaited.clear();
    };
    this.worker.on("error", fail);
    this.worker.on("exit", (code) => fail(new Error(`the MD5 worker exited (code ${code})`)));
  }

  get load(): number {
    return this.streams.size;
  }

  attach(id: number, stream: WorkerMd5): void {
    this.streams.set(id, new WeakRef(stream));
    this.cleanup.register(stream, id, stream);
  }

  detach(id: number, stream: WorkerMd5): void {
    this.streams.delete(id);
    this.awaited.delete(id);
    this.cleanup.unregister(stream);
  }

  /** Holds `stream` strongly while `awaited` (see above). */
  hold(id: number, stream: WorkerMd5, awaited: boolean): void {
    if (awaited) this.awaited.set(id, stream);
    else this.awaited.delete(id);
  }

  /** Sends a message; `reply`: the worker will answer it. */
  post(message: unknown[], reply: boolean, transfer: ArrayBuffer[] = []): void {
    if (reply && this.inFlight++ === 0) this.worker.ref();
    this.worker.postMessage(message, transfer);
  }

  terminate(): Promise<number> {
    return this.worker.terminate();
  }
}

class WorkerMd5 implements Md5Stream {
  readonly kind = "worker";
  private batch: ArrayBuffer | null = null;
  private filled = 0;
  private posted = 0;
  private hashed = 0;
  private waiters: { bytes: number; resolve: () => void; reject: (error: Error) => void }[] = [];
  private resolveDigest: ((hex: string) => void) | null = null;
  private rejectDigest: ((error: Error) => void) | null = null;
  private finished = false;
  private failure: Error | null = null;

  constructor(
    private readonly worker: HashWorker,
    private readonly id: number,
    private readonly batchBytes: number,
  ) {
    worker.attach(id, this);
  }

  get pendingBytes(): number {
    return this.posted - this.hashed + this.filled;
  }

  update(chunk: Uint8Array): void {
    if (this.finished) throw new Error("the MD5 stream is finished");
    if (this.failure) return; // reported by digest()
    let offset = 0;
    while (offset < chunk.length) {
      this.batch ??= takeBuffer(this.batchBytes);
      const take = Math.min(chunk.length - offset, this.batchBytes - this.filled);
      new Uint8Array(this.batch, this.filled, take).set(chunk.subarray(offset, offset + take));
      this.filled += take;
      offset += take;
      if (this.filled === this.batchBytes) this.flush();
    }
  }

  updateFromFile(fd: number, position: number, length: number): void {
    if (this.finished) throw new Error("the MD5 stream is finished");
    if (this.failure || length === 0) return;
    this.posted += length;
    this.worker.post([3, this.id, fd, position, length], true);
  }

  private flush(): void {
    if (!this.batch || this.filled === 0) return;
    const buffer = this.batch;
    const length = this.filled;
    this.batch = null;
    this.filled = 0;
    this.posted += length;
    this.worker.post([0, this.id, buffer, length], true, [buffer]);
  }

  whenPendingAtMost(bytes: number): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.posted - this.hashed <= bytes) return Promise.resolve();
    this.worker.hold(this.id, this, true);
    return new Promise((resolve, reject) => this.waiters.push({ bytes, resolve, reject }));
  }

  digest(): Promise<string> {
    if (this.finished) return Promise.reject(new Error("the MD5 stream is finished"));
    this.finished = true;
    if (this.failure) return Promise.reject(this.failure);
    this.flush();
    const result = new Promise<string>((resolve, reject) => {
      this.resolveDigest = resolve;
      this.rejectDigest = reject;
    });
    this.worker.hold(this.id, this, true);
    this.worker.post([1, this.id], true);
    return result;
  }

  abort(): void {
    if (this.finished && !this.rejectDigest) return; // digested (or aborted) already
    this.finished = true;
    if (this.batch) giveBack(this.batch);
    this.batch = null;
    if (!this.failure) this.worker.post([2, this.id], false);
    this.worker.detach(this.id, this);
    this.fail(new Error("the MD5 stream was aborted"));
  }

  /** A reply from the worker. */
  receive(reply: WorkerReply): void {
    if (reply[0] === 3) {
      this.worker.post([2, this.id], false); // the worker forgets it, once past the reads still queued for it
      this.worker.detach(this.id, this);
      this.fail(new Error(reply[2]));
      return;
    }
    if (reply[0] === 0) {
      this.hashed += reply[3];
      if (reply[2]) giveBack(reply[2]);
      const inFlight = this.posted - this.hashed;
      if (this.waiters.length > 0) {
        const ready = this.waiters.filter((waiter) => inFlight <= waiter.bytes);
        this.waiters = this.waiters.filter((waiter) => inFlight > waiter.bytes);
        if (this.waiters.length === 0 && !this.resolveDigest) this.worker.hold(this.id, this, false);
        for (const waiter of ready) waiter.resolve();
      }
      return;
    }
    this.worker.detach(this.id, this);
    const resolve = this.resolveDigest;
    this.resolveDigest = null;
    this.rejectDigest = null;
    resolve?.(reply[2]);
  }

  /** The worker died, or the stream was aborted. */
  fail(error: Error): void {
    this.failure ??= error;
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) waiter.reject(this.failure);
    const reject = this.rejectDigest;
    this.resolveDigest = null;
    this.rejectDigest = null;
    reject?.(this.failure);
  }
}

/**
 * Inline while small: the first INLINE_BELOW_BYTES are kept (copied), and either hashed inline at
 * `digest` or handed to a worker stream as soon as the body grows past them.
 */
class AdaptiveMd5 implements Md5Stream {
  readonly kind = "adaptive";
  private held: Buffer[] = [];
  private heldBytes = 0;
  private inner: Md5Stream | null = null;
  private finished = false;

  constructor(private readonly batchBytes: number) {}

  /** Where the bytes went: "inline" until the body passed the threshold, then "worker". */
  get placement(): "inline" | "worker" | "pending" {
    return this.inner ? (this.inner.kind === "worker" ? "worker" : "inline") : "pending";
  }

  get pendingBytes(): number {
    return this.inner ? this.inner.pendingBytes : 0;
  }

  update(chunk: Uint8Array): void {
    if (this.finished) throw new Error("the MD5 stream is finished");
    if (this.inner) return this.inner.update(chunk);
    this.held.push(Buffer.from(chunk));
    this.heldBytes += chunk.length;
    if (this.heldBytes >= INLINE_BELOW_BYTES) this.switchTo(createMd5({ worker: true, batchBytes: this.batchBytes }));
  }

  private switchTo(inner: Md5Stream): void {
    this.inner = inner;
    for (const chunk of this.held) inner.update(chunk);
    this.held = [];
    this.heldBytes = 0;
  }

  whenPendingAtMost(bytes: number): Promise<void> {
    return this.inner ? this.inner.whenPendingAtMost(bytes) : Promise.resolve();
  }

  digest(): Promise<string> {
    if (this.finished) return Promise.reject(new Error("the MD5 stream is finished"));
    this.finished = true;
    if (!this.inner) this.switchTo(new InlineMd5());
    return this.inner!.digest();
  }

  abort(): void {
    this.finished = true;
    this.held = [];
    this.inner?.abort();
  }
}

const holder = globalThis as typeof globalThis & { __bosMd5Pool?: HashWorker[] };
let nextId = 1;

/** Workers: one per core beyond the first (the event loop's), at least one, at most four. */
function poolSize(): number {
  return Math.max(1, Math.min(4, availableParallelism() - 1));
}

function pickWorker(): HashWorker {
  const pool = (holder.__bosMd5Pool ??= []);
  const idle = pool.find((worker) => worker.load === 0);
  if (idle) return idle;
  if (pool.length < poolSize()) {
    const worker = new HashWorker((gone) => {
      const index = pool.indexOf(gone);
      if (index >= 0) pool.splice(index, 1);
    });
    pool.push(worker);
    return worker;
  }
  return pool.reduce((least, worker) => (worker.load < least.load ? worker : least));
}

export interface Md5Options {
  /** The body's size when known: below INLINE_BELOW_BYTES inline, else a worker; unknown: adaptive. */
  sizeHint?: number | null;
  /** Force a worker (true) or inline hashing (false). */
  worker?: boolean;
  batchBytes?: number;
}

export function createMd5(options: Md5Options = {}): Md5Stream {
  const batchBytes = options.batchBytes ?? DEFAULT_BATCH_BYTES;
  if (options.worker === undefined && options.sizeHint == null) return new AdaptiveMd5(batchBytes);
  const useWorker = options.worker ?? options.sizeHint! >= INLINE_BELOW_BYTES;
  if (!useWorker) return new InlineMd5();
  let worker: HashWorker;
  try {
    worker = pickWorker();
  } catch {
    return new InlineMd5(); // no thread to be had (resource limits): hash here, slower but correct
  }
  return new WorkerMd5(worker, nextId++, batchBytes);
}

/** Stops every hashing worker (tests, shutdown). Open streams fail; later streams start new workers. */
export async function closeMd5Workers(): Promise<void> {
  const pool = holder.__bosMd5Pool ?? [];
  holder.__bosMd5Pool = [];
  await Promise.all(pool.map((worker) => worker.terminate()));
}
