/**
 * Reads a byte stream in batches instead of chunk by chunk. A socket delivers at most 64 KiB per
 * read, so a 64 MiB body is ~1,000 chunks, and everything done per chunk downstream (an await, a
 * hash update, a disk write, a wake-up of each reader, a write to each client) is paid ~1,000
 * times. Here chunks are collected while the event loop works through the reads that are ready
 * (delivery waits for setImmediate, i.e. the end of the current I/O phase) or until `maxBytes`
 * are held, and handed over as one array: the per-chunk work downstream becomes per-batch work.
 * The very first chunk goes out alone and at once, for the time to first byte.
 *
 * The chunks are passed on as they are (no concatenation, no copy). Memory stays bounded: once a
 * batch is full and not taken yet, the stream is paused, which pauses the socket behind it.
 * Errors surface from the iterator; leaving the loop early (break, throw) destroys the stream.
 */
import type { Readable } from "node:stream";

export interface ReadBatchesOptions {
  /** Hand a batch over once it holds this many bytes (it may exceed it by one chunk). Default 1 MiB. */
  maxBytes?: number;
}

export async function* readBatches(stream: Readable, { maxBytes = 1024 * 1024 }: ReadBatchesOptions = {}): AsyncGenerator<Buffer[]> {
  let batch: Buffer[] = [];
  let size = 0;
  let ended = false;
  let failure: Error | null = null;
  let wake: (() => void) | null = null;
  let immediate: NodeJS.Immediate | null = null;
  let first = true;

  const deliver = () => {
    immediate = null;
    const resolve = wake;
    wake = null;
    resolve?.();
  };
  const onData = (chunk: Buffer) => {
    batch.push(chunk);
    size += chunk.length;
    if (first) {
      first = false;
      if (immediate) clearImmediate(immediate);
      deliver();
    } else if (size >= maxBytes) {
      stream.pause();
      if (immediate) clearImmediate(immediate);
      deliver();
    } else if (wake && !immediate) {
      immediate = setImmediate(deliver);
    }
  };
  const onEnd = () => {
    ended = true;
    deliver();
  };
  const onError = (error: Error) => {
    failure ??= error;
    deliver();
  };
  // A stream destroyed without an error (aborted) closes without 'end': that is not a complete body.
  const onClose = () => {
    if (!ended) failure ??= Object.assign(new Error("the stream closed before its end"), { code: "ERR_STREAM_PREMATURE_CLOSE" });
    deliver();
  };

  stream.on("data", onData);
  stream.on("end", onEnd);
  stream.on("error", onError);
  stream.on("close", onClose);
  let finished = false;
  try {
    for (;;) {
      // Whatever arrived while the consumer was busy goes out at once; the wait below batches the rest.
      if (batch.length > 0 && immediate === null) {
        const out = batch;
        batch = [];
        size = 0;
        if (stream.isPaused()) stream.resume();
        yield out;
        continue;
      }
      if (failure) throw failure;
      if (ended) {
        finished = true;
        return;
      }
      await new Promise<void>((resolve) => (wake = resolve));
    }
  } finally {
    if (immediate) clearImmediate(immediate);
    stream.off("data", onData);
    stream.off("end", onEnd);
    stream.off("error", onError);
    stream.off("close", onClose);
    if (!finished) {
      stream.on("error", () => undefined);
      stream.destroy();
    }
  }
}
