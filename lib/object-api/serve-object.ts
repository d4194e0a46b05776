/** Answers GET/HEAD for a stored object: conditional requests (304), one byte range (206/416). */
import type { IncomingMessage, OutgoingHttpHeaders } from "node:http";
import { sendStoredObject } from "@/lib/http/stored-object-body";
import type { MaybePromise } from "@/lib/maybe-promise";
import type { ObjectRecord } from "@/lib/objects/object-meta";
import type { ObjectApiContext } from "./context";

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

export function serveObject(ctx: ObjectApiContext, object: ObjectRecord): MaybePromise<void> {
  const { req, res } = ctx;
  const headers = objectHeaders(object);
  if (notModified(req, object)) {
    res.writeHead(304, { etag: headers.etag, "last-modified": headers["last-modified"] });
    res.end();
    return;
  }
  return sendStoredObject(req, res, ctx.objects, object, headers);
}
