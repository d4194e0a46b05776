import { Readable } from "node:stream";
import { bodyChunks, type BodyProgress } from "@/lib/api/request-body";
import { apiRoute, closingConnection, json } from "@/lib/api/route-handler";
import { InvalidRange } from "@/lib/domain/errors";
import { attachmentDisposition } from "@/lib/http/content-disposition";
import { OBJECT_RESPONSE_HEADERS } from "@/lib/http/object-response-headers";
import { parseRange } from "@/lib/http/stored-object-body";
import { findObject, uploadObject } from "@/lib/object-browser/object-browser-service";
import { currentApp } from "@/lib/runtime/current-app";

type Params = { bucket: string };

/**
 * Downloads `?key=` as an attachment (one `Range` honoured). Object bytes are never trusted: the
 * answer carries the object APIs' nosniff and sandbox CSP, and a filename that cannot be a path.
 */
export const GET = apiRoute<Params>(async (request, { bucket }) => {
  const object = await findObject(bucket, new URL(request.url).searchParams.get("key"));
  const rangeHeader = request.headers.get("range") ?? undefined;
  const range = parseRange(rangeHeader, object.size);
  if (range === "unsatisfiable") throw new InvalidRange(rangeHeader ?? "", object.size);
  const { start, end } = range ?? { start: 0, end: object.size - 1 };
  const headers = new Headers(OBJECT_RESPONSE_HEADERS as [string, string][]);
  headers.set("content-type", object.httpMeta["content-type"] ?? "application/octet-stream");
  headers.set("content-disposition", attachmentDisposition(object.key));
  headers.set("content-length", String(end - start + 1));
  headers.set("etag", `"${object.etag}"`);
  headers.set("last-modified", object.lastModified.toUTCString());
  headers.set("accept-ranges", "bytes");
  headers.set("cache-control", "private, no-store");
  if (range) headers.set("content-range", `bytes ${start}-${end}/${object.size}`);
  const status = range ? 206 : 200;
  if (object.size === 0) return new Response(null, { status, headers });
  const content = await currentApp().objects.read(object, start, end);
  const body = Buffer.isBuffer(content) ? new Uint8Array(content.buffer as ArrayBuffer, content.byteOffset, content.byteLength) : (Readable.toWeb(content) as ReadableStream<Uint8Array>);
  return new Response(body, { status, headers });
});

/**
 * Uploads the request body as object `?key=` (optional `&storageClass=`), streamed into the object
 * service. A declared size over MAX_OBJECT_SIZE is refused before anything is read (server.ts
 * already refuses it; the service checks again), a streamed body as soon as it passes the limit.
 */
export const PUT = apiRoute<Params>(async (request, { bucket }, { audit }) => {
  const query = new URL(request.url).searchParams;
  const declared = request.headers.get("content-length");
  const progress: BodyProgress = { complete: false };
  try {
    const uploaded = await uploadObject(
      bucket,
      {
        key: query.get("key"),
        size: declared === null ? null : Number(declared),
        contentType: request.headers.get("content-type") || null,
        storageClass: query.get("storageClass"),
        body: bodyChunks(request, progress),
      },
      audit,
    );
    return json(uploaded, 201);
  } catch (error) {
    throw progress.complete ? error : closingConnection(error);
  }
});
