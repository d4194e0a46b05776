/**
 * A route handler's request body as a stream of Buffers, for the one body that is not small JSON
 * (an object upload): the bytes flow on to the object service as they arrive, never gathered.
 */

export interface BodyProgress {
  /** True once the body has been read to its end. */
  complete: boolean;
}

export async function* bodyChunks(request: Request, progress: BodyProgress): AsyncGenerator<Buffer> {
  if (!request.body) {
    progress.complete = true;
    return;
  }
  const reader = request.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) {
        progress.complete = true;
        return;
      }
      yield Buffer.from(value.buffer, value.byteOffset, value.byteLength);
    }
  } finally {
    // Stop pulling, but do not cancel: cancelling the body of a Node request destroys its socket at
    // once, before the error is answered (see readLimitedText in route-handler.ts).
    reader.releaseLock();
  }
}
