/**
 * Reading an object stored as several blobs (a multipart upload completed without copying its
 * parts): a byte range of the concatenation, read blob after blob, each only over the bytes it
 * holds. Nothing is buffered beyond what each blob's own stream reads ahead.
 */
import { Readable, type Writable } from "node:stream";
import type { BlobStore } from "@/lib/storage/blob-store";
import type { BlobSpan } from "./object-meta";

/** Bytes `start` to `end` (inclusive) of the blobs `segments`, concatenated. */
export function openSegments(blobs: Pick<BlobStore, "openRange">, segments: readonly BlobSpan[], start: number, end: number): Readable {
  async function* bytes(): AsyncGenerator<Buffer> {
    let offset = 0;
    for (const segment of segments) {
      const first = Math.max(start, offset);
      const last = Math.min(end, offset + segment.size - 1);
      // Ending the iteration early (the consumer went away) destroys the blob's stream in turn.
      if (first <= last) yield* blobs.openRange(segment.blobName, first - offset, last - offset) as AsyncIterable<Buffer>;
      offset += segment.size;
      if (offset > end) return;
    }
  }
  return Readable.from(bytes(), { objectMode: false });
}

/**
 * Writes bytes `start` to `end` (inclusive) of the blobs `segments`, concatenated, to `out`, blob
 * after blob (BlobStore.sendRange); `ready` once the first blob is open.
 */
export async function sendSegments(
  blobs: Pick<BlobStore, "sendRange">,
  segments: readonly BlobSpan[],
  start: number,
  end: number,
  out: Writable,
  ready: () => void = () => undefined,
): Promise<void> {
  let offset = 0;
  let first = true;
  for (const segment of segments) {
    const from = Math.max(start, offset);
    const last = Math.min(end, offset + segment.size - 1);
    if (from <= last) {
      // Only the first blob's opening comes before the response's headers.
      await blobs.sendRange(segment.blobName, from - offset, last - offset, out, first ? ready : undefined);
      first = false;
    }
    offset += segment.size;
    if (offset > end) return;
  }
}
