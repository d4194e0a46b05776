/**
 * Sending a stored object's bytes, the same for every protocol: one `bytes=` range (206, or 416
 * through InvalidRange), Content-Length, nothing for HEAD, small objects from memory, large ones
 * streamed. The protocol has already written its own headers and answered conditionals.
 */
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from "node:http";
import { InvalidRange } from "@/lib/domain/errors";
import { andCatch, type MaybePromise } from "@/lib/maybe-promise";
import type { ObjectRecord } from "@/lib/objects/object-meta";
import type { ObjectService } from "@/lib/objects/object-service";

type ByteRange = { start: number; end: number };

/** A single `bytes=` range; null means serve the whole object (absent, malformed or multiple). */
export function parseRange(header: string | undefined, size: number): ByteRange | "unsatisfiable" | null {
  const match = header?.trim().match(/^bytes=(\d*)-(\d*)$/);
  if (!match || (match[1] === "" && match[2] === "")) return null;
  if (match[1] === "") {
    const suffix = Number(match[2]);
    if (suffix === 0 || size === 0) return "unsatisfiable";
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(match[1]);
  if (start >= size) return "unsatisfiable";
  const last = match[2] === "" ? size - 1 : Number(match[2]);
  if (last < start) return null;
  return { start, end: Math.min(last, size - 1) };
}

/**
 * Answers with `headers` (completed with the range's) and the object's bytes, or just the headers
 * for HEAD. At once when the bytes are in memory (lib/maybe-promise.ts).
 */
export function sendStoredObject(
  req: IncomingMessage,
  res: ServerResponse,
  objects: ObjectService,
  object: ObjectRecord,
  headers: OutgoingHttpHeaders,
): MaybePromise<void> {
  const range = parseRange(req.headers.range, object.size);
  if (range === "unsatisfiable") throw new InvalidRange(req.headers.range ?? "", object.size);
  const { start, end } = range ?? { start: 0, end: object.size - 1 };
  const length = end - start + 1;
  if (range) headers["content-range"] = `bytes ${start}-${end}/${object.size}`;
  headers["content-length"] = length;
  const status = range ? 206 : 200;
  if (req.method === "HEAD" || length === 0) {
    res.writeHead(status, headers);
    res.end();
    return;
  }
  let answered = false;
  return andCatch(
    () =>
      objects.send(object, start, end, res, () => {
        res.writeHead(status, headers);
        answered = true;
      }),
    (error) => {
      // Before the headers (the blob could not be opened): the protocol answers with an error.
      if (!answered) throw error;
      // After: the client went away, or the bytes could not be read; a broken transfer, never a short 200.
      res.destroy();
    },
  );
}
