/**
 * The object API, answered by Node's own HTTP server ahead of Next (route handlers are far too
 * slow for bulk data: shared notes/toolchain.md). Every response carries x-bce-request-id.
 */
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { MirrorEngine } from "@/lib/origin/mirror-engine";
import { BosError, sendBosError, toBosError } from "./bos-error";
import { createBucketHandler, deleteBucketHandler, headBucketHandler, listBucketsHandler, listObjectsHandler } from "./bucket-handlers";
import type { ObjectApiContext } from "./context";
import { deleteMirroring, getMirroring, putMirroring } from "./mirroring-handlers";
import { deleteObjectHandler, getObject, putObject } from "./object-handlers";
import { requestTarget } from "./request-target";

type Route = (ctx: ObjectApiContext) => Promise<void>;

function notAllowed(method: string, what: string): never {
  throw new BosError("MethodNotAllowed", `${method} is not supported on ${what}.`);
}

function route(ctx: ObjectApiContext): Route {
  const { bucket, key, query } = ctx.target;
  const method = ctx.req.method ?? "GET";
  if (bucket === null) return method === "GET" ? listBucketsHandler : notAllowed(method, "the bucket list");
  if (key === null && query.has("mirroring")) {
    if (method === "GET") return (c) => getMirroring(c, bucket);
    if (method === "PUT") return (c) => putMirroring(c, bucket);
    if (method === "DELETE") return (c) => deleteMirroring(c, bucket);
    return notAllowed(method, "?mirroring");
  }
  if (key === null) {
    if (method === "GET") return (c) => listObjectsHandler(c, bucket);
    if (method === "PUT") return (c) => createBucketHandler(c, bucket);
    if (method === "HEAD") return (c) => headBucketHandler(c, bucket);
    if (method === "DELETE") return (c) => deleteBucketHandler(c, bucket);
    return notAllowed(method, "a bucket");
  }
  if (method === "GET" || method === "HEAD") return (c) => getObject(c, bucket, key);
  if (method === "PUT") return (c) => putObject(c, bucket, key);
  if (method === "DELETE") return (c) => deleteObjectHandler(c, bucket, key);
  return notAllowed(method, "an object");
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
      const ctx: ObjectApiContext = { req, res, requestId, target, engine };
      Promise.resolve()
        .then(() => route(ctx)(ctx))
        .catch((error: unknown) => sendBosError(res, toBosError(error, requestId), requestId));
      return true;
    },
  };
}
