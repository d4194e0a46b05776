/**
 * The object API, answered by Node's own HTTP server ahead of Next (route handlers are far too
 * slow for bulk data: shared notes/toolchain.md). Every response carries x-bce-request-id.
 * Signed requests may do anything; anonymous ones may only read objects of public-read buckets.
 */
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { findBucketRecord } from "@/lib/buckets/bucket-service";
import type { MirrorEngine } from "@/lib/origin/mirror-engine";
import { getAcl, putAcl } from "./acl-handlers";
import { authenticate, type Identity } from "./authenticate";
import { BosError, sendBosError, toBosError } from "./bos-error";
import { createBucketHandler, deleteBucketHandler, headBucketHandler, listBucketsHandler, listObjectsHandler } from "./bucket-handlers";
import type { ObjectApiContext } from "./context";
import { deleteMirroring, getMirroring, putMirroring } from "./mirroring-handlers";
import { deleteObjectHandler, getObject, putObject } from "./object-handlers";
import { requestTarget } from "./request-target";

/**
 * On every object-API response, errors included. Object bytes are whatever a client uploaded or an
 * origin sent (HTML, SVG, ...) and share an origin with the console: `sandbox` gives the document a
 * unique opaque origin, so its script (if any runs at all) has no cookies, storage or same-origin
 * access to /api; nosniff stops a browser from guessing a scriptable type from the bytes.
 */
const OBJECT_RESPONSE_HEADERS: [string, string][] = [
  ["x-content-type-options", "nosniff"],
  ["content-security-policy", "sandbox; default-src 'none'; img-src 'self' data:; media-src 'self'; style-src 'unsafe-inline'"],
];

type Handler = (ctx: ObjectApiContext) => Promise<void>;
/** "read": what an anonymous client may do in a public-read bucket. "write": anything else. */
type Route = { access: "read" | "write"; handler: Handler };

function notAllowed(method: string, what: string): never {
  throw new BosError("MethodNotAllowed", `${method} is not supported on ${what}.`);
}

function route(ctx: ObjectApiContext): Route {
  const { bucket, key, query } = ctx.target;
  const method = ctx.req.method ?? "GET";
  const write = (handler: Handler): Route => ({ access: "write", handler });
  const read = (handler: Handler): Route => ({ access: "read", handler });
  if (bucket === null) return method === "GET" ? write(listBucketsHandler) : notAllowed(method, "the bucket list");
  if (key === null) {
    for (const [subresource, get, put, remove] of [
      ["mirroring", getMirroring, putMirroring, deleteMirroring],
      ["acl", getAcl, putAcl, null],
    ] as const) {
      if (!query.has(subresource)) continue;
      if (method === "GET") return write((c) => get(c, bucket));
      if (method === "PUT") return write((c) => put(c, bucket));
      if (method === "DELETE" && remove) return write((c) => remove(c, bucket));
      return notAllowed(method, `?${subresource}`);
    }
    if (method === "GET") return read((c) => listObjectsHandler(c, bucket));
    if (method === "HEAD") return read((c) => headBucketHandler(c, bucket));
    if (method === "PUT") return write((c) => createBucketHandler(c, bucket));
    if (method === "DELETE") return write((c) => deleteBucketHandler(c, bucket));
    return notAllowed(method, "a bucket");
  }
  if (method === "GET" || method === "HEAD") return read((c) => getObject(c, bucket, key));
  if (method === "PUT") return write((c) => putObject(c, bucket, key));
  if (method === "DELETE") return write((c) => deleteObjectHandler(c, bucket, key));
  return notAllowed(method, "an object");
}

/**
 * Anonymous requests may only read public-read buckets. A missing bucket answers exactly as a
 * private one does, so anonymous clients cannot probe which bucket names exist.
 */
async function authorize(identity: Identity, access: Route["access"], bucket: string | null): Promise<void> {
  if (identity.kind === "access-key") return;
  if (access === "read" && bucket !== null && (await findBucketRecord(bucket))?.acl === "public-read") return;
  throw new BosError("AccessDenied", "This request needs a bce-auth-v1 signature (or a presigned URL).");
}

export interface ObjectApi {
  /** Answers the request and returns true, or returns false when it is for the console. */
  handle(req: IncomingMessage, res: ServerResponse): boolean;
}

export function createObjectApi(engine: MirrorEngine, objectHost: string | undefined): ObjectApi {
  return {
    handle(req, res) {
      const requestId = randomUUID();
      let target;
      try {
        target = requestTarget(req, objectHost);
      } catch (error) {
        res.setHeader("x-bce-request-id", requestId);
        sendBosError(res, toBosError(error, requestId), requestId);
        return true;
      }
      if (!target) return false;
      res.setHeader("x-bce-request-id", requestId);
      for (const [name, value] of OBJECT_RESPONSE_HEADERS) res.setHeader(name, value);
      const ctx: ObjectApiContext = { req, res, requestId, target, engine, audit: { actor: "anonymous", requestId } };
      Promise.resolve()
        .then(async () => {
          const { access, handler } = route(ctx);
          const identity = await authenticate(req, target.rawPath, target.rawQuery, target.query);
          await authorize(identity, access, target.bucket);
          if (identity.kind === "access-key") ctx.audit = { actor: `key:${identity.accessKeyId}`, requestId };
          await handler(ctx);
        })
        .catch((error: unknown) => sendBosError(res, toBosError(error, requestId), requestId));
      return true;
    },
  };
}
