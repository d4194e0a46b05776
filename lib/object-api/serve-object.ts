/** Answers GET/HEAD for a stored object: conditional requests (304), one byte range (206/416). */
import type { IncomingMessage, OutgoingHttpHeaders } from "node:http";
import { pipeline } from "node:stream/promises";
import type { ObjectRecord } from "@/lib/objects/object-meta";
import type { ObjectApiContext } from "./context";
import { InvalidRange } from "@/lib/domain/errors";

/** Records are immutable per version, so their headers are built once (measurably cheaper on hits). */
const headerMemo = new WeakMap<ObjectRecord, Readonly<OutgoingHttpHeaders>>();

export function objectHeaders(object: ObjectRecord): OutgoingHttpHeaders {
  let headers = headerMemo.get(object);
  if (!headers) {
    headers = Object.freeze(buildObjectHeaders(object));
    headerMemo.set(object, headers);
  }
  return { ...headers };
}

function buildObjectHeaders(object: ObjectRecord): OutgoingHttpHeaders {
  return {
    "content-type": "application/octet-stream",
    ...object.httpMeta,
    ...object.userMeta,
    etag: `"${object.etag}"`,
    "last-modified": object.lastModified.toUTCString(),
    "accept-ranges": "bytes",
    "x-bce-storage-class": object.storageClass,
  };
}

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

function notModified(req: IncomingMessage, object: ObjectRecord): boolean {
  const ifNoneMatch = req.headers["if-none-match"];
  if (ifNoneMatch !== undefined) {
    return ifNoneMatch.split(",").some((tag) => {
      const value = tag.trim().replace(/^W\//, "");
      return value === "*" || value === `"${object.etag}"`;
    });
  }
  const since = Date.parse(req.headers["if-modified-since"] ?? "");
  return !Number.isNaN(since) && Math.floor(object.lastModified.getTime() / 1000) * 1000 <= since;
}

export async function serveObject(ctx: ObjectApiContext, object: ObjectRecord): Promise<void> {
  const { req, res } = ctx;
  const headers = objectHeaders(object);
  if (notModified(req, object)) {
    res.writeHead(304, { etag: headers.etag, "last-modified": headers["last-modified"] });
    res.end();
    return;
  }
  const range = parseRange(req.headers.range, object.size);
  if (range === "unsatisfiable") {
    throw new InvalidRange(req.headers.range ?? "", object.size);
  }
  const { start, end } = range ?? { start: 0, end: object.size - 1 };
  const length = end - start + 1;
  if (range) headers["content-range"] = `bytes ${start}-${end}/${object.size}`;
  headers["content-length"] = length;
  if (req.method === "HEAD" || length === 0) {
    res.writeHead(range ? 206 : 200, headers);
    res.end();
    return;
  }
  const content = await ctx.objects.read(object, start, end);
  res.writeHead(range ? 206 : 200, headers);
  if (Buffer.isBuffer(content)) {
    res.end(content);
    return;
  }
  await pipeline(content, res).catch(() => res.destroy());
}
