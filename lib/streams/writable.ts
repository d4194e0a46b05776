/**
 * Writing to a Writable with its backpressure, for everything that sends bytes to a client: the
 * mirror's streamed responses (lib/http/send-batches.ts) and the stores' range copies
 * (BlobStore.sendRange). No domain and no HTTP here, so every layer may use it.
 */
import type { Writable } from "node:stream";

/** The writable went away (client hung up, socket error) before the body was written. */
export class ResponseClosed extends Error {
  constructor(cause?: Error) {
    super("the response was closed before the body was written", { cause });
    this.name = "ResponseClosed";
  }
}

/** Resolves on 'drain'; rejects with ResponseClosed if `out` closes or fails first. */
export function waitForDrain(out: Writable): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (error?: Error) => {
      out.off("drain", onDrain);
      out.off("close", onClose);
      out.off("error", onError);
      if (error) reject(error);
      else resolve();
    };
    const onDrain = () => done();
    const onClose = () => done(new ResponseClosed());
    const onError = (error: Error) => done(new ResponseClosed(error));
    out.on("drain", onDrain);
    out.on("close", onClose);
    out.on("error", onError);
  });
}

/**
 * Writes every chunk of `source` to `out` (which is not ended), waiting whenever it asks to.
 * `ready` is called before the first chunk is written (or at the end, when there was none).
 */
export async function writeAll(out: Writable, source: AsyncIterable<Uint8Array>, ready: () => void = () => undefined): Promise<void> {
  let started = false;
  for await (const chunk of source) {
    if (!started) {
      started = true;
      ready();
    }
    if (out.destroyed || out.writableEnded) throw new ResponseClosed();
    if (!out.write(chunk)) await waitForDrain(out);
  }
  if (!started) ready();
}
