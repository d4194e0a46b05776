/**
 * Reused buffers for sending stored bytes to clients. A fresh Buffer per read costs more than the
 * read: at hundreds of MB/s of hits the young generation fills with them, V8 scavenges every ~32 MB,
 * buffers still in a socket's queue are promoted, and the heap (~80 MB with Next) is collected
 * whole over and over. A buffer taken here goes back only when the write that holds it has
 * completed (its callback), so a buffer is never refilled while a socket may still read it; one
 * that never comes back (a callback that never fires) is simply left to the collector.
 */
/**
 * One read and one socket write per MiB. With 256 KiB a 1 MiB hit made four of each, and four
 * waits for 'drain', and cost more CPU than a fresh 1 MiB Buffer per hit (bench/profile-hit.ts
 * --size=1048576: main thread ~1,200 µs per request against ~900; with 1 MiB ~700-800).
 */
export const READ_BUFFER_BYTES = 1024 * 1024;
/**
 * Idle buffers kept: 64 MiB at most, reached only after 64 large hits at once (each holds one, two
 * while it reads ahead of a slow socket). Beyond that, buffers are allocated and dropped as before.
 * With 16, wrk's 32 connections of 1 MiB hits churned buffers all the time, and the garbage made
 * the mirror misses that followed pay mark-compacts again (`--trace-gc`: 7 in 6 misses after 10 s
 * of such hits; none with 64). Not the whole story: after 4 KiB and 1 MiB hits in turn
 * (`bench/profile-miss.ts --warm-hits=10`) misses still paid 5–6 mark-compacts in 5 with 64 kept,
 * and 3–5 with 4 or 16, against 0–1 without the hits before them.
 */
const MAX_IDLE = 64;

export class ReadBuffers {
  private readonly idle: Buffer[] = [];

  constructor(
    readonly size = READ_BUFFER_BYTES,
    private readonly maxIdle = MAX_IDLE,
  ) {}

  take(): Buffer {
    const buffer = this.idle.pop();
    if (buffer) return buffer;
    return Buffer.allocUnsafeSlow(this.size);
  }

  give(buffer: Buffer): void {
    if (this.idle.length < this.maxIdle) this.idle.push(buffer);
  }
}
