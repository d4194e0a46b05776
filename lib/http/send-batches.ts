/**
 * Writes a body to a client in batches: each batch of buffers goes out corked, so the socket gets
 * one writev for the whole batch instead of one write per 64 KiB chunk, with the usual backpressure
 * (wait for 'drain' when the socket's buffer is full). For the mirror's streamed responses, whose
 * source hands over arrays of chunks (read-batches.ts).
 */
import type { Writable } from "node:stream";
import { finished } from "node:stream/promises";
import { ResponseClosed, waitForDrain } from "@/lib/streams/writable";

export { ResponseClosed };

/** Writes one batch corked; true when the writable wants more now, false when it asked to wait for 'drain'. */
export function writeBatch(out: Writable, batch: readonly Uint8Array[]): boolean {
  if (batch.length === 1) return out.write(batch[0]);
  let more = true;
  out.cork();
  for (const chunk of batch) more = out.write(chunk);
  out.uncork();
  return more;
}

/**
 * Writes every batch from `source` to `out` and ends it. Throws ResponseClosed if `out` goes away
 * first (the source is then returned, which stops a generator), or whatever `source` throws (then
 * `out` is left open for the caller to destroy: a broken transfer, never a short complete body).
 */
export async function sendBatches(out: Writable, source: AsyncIterable<readonly Uint8Array[] | Uint8Array>): Promise<void> {
  for await (const item of source) {
    if (out.destroyed || out.writableEnded) throw new ResponseClosed();
    const batch = item instanceof Uint8Array ? [item] : item;
    if (batch.length === 0) continue;
    if (!writeBatch(out, batch)) await waitForDrain(out);
  }
  if (out.destroyed) throw new ResponseClosed();
  out.end();
  await finished(out).catch((error: Error) => {
    throw new ResponseClosed(error);
  });
}
