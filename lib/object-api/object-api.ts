/**
 * The object API, answered by Node's own HTTP server ahead of Next (route handlers are far too
 * slow for bulk data: shared notes/toolchain.md). Every response carries x-bce-request-id.
 * Signed requests may do anything; anonymous ones may only read objects of public-read buckets.
 */
import { newRequestId } from "@/lib/observability/request-id";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { BucketRecord } from "@/lib/buckets/bucket-record";
import { findBucketRecord } from "@/lib/buckets/bucket-service";
import { NoSuchBucket } from "@/lib/domain/errors";
import { setObjectResponseHeaders } from "@/lib/http/object-response-headers";
import { observeRequest, type ObservedRequest } from "@/lib/http/request-telemetry";
import { andCatch, andThen } from "@/lib/maybe-promise";
import { authenticate, type Identity } from "./authenticate";
import { BosError, sendBosError, toBosError } from "./bos-error";
import type { ObjectApiContext, ObjectApiServices } from "./context";
import { resolveOperation, type Access } from "./operations";
import { requestTarget } from "./request-target";

/**
 * Anonymous requests may only read public-read buckets. A missing bucket answers exactly as a
 * private one does, so anonymous clients cannot probe which bucket names exist.
 */
function authorize(identity: Identity, access: Access, bucket: BucketRecord | null): void {
  if (identity.kind === "access-key") return;
  if (access === "read" && bucket?.acl === "public-read") return;
  throw new BosError("AccessDenied", "This request needs a bce-auth-v1 signature (or a presigned URL).");
}

/**
 * Runs the request's operation: synchronously as far as the caches answer (a hit of a cached small
 * object makes no promise at all: lib/maybe-promise.ts); any failure, thrown or rejected, becomes
 * the BOS error answer.
 */
function dispatch(ctx: ObjectApiContext, seen: ObservedRequest): void {
  const { req, res, target, requestId } = ctx;
  void andCatch(
    () => {
      const operation = resolveOperation(req.method ?? "GET", target);
      seen.operation = operation.name;
      return andThen(authenticate(req, target.rawPath, target.rawQuery, target.query), (identity) =>
        // The bucket is looked up once, here; a missing one answers anonymous clients as a private one.
        andThen(target.bucket === null ? null : findBucketRecord(target.bucket), (bucket) => {
          ctx.bucket = bucket;
          authorize(identity, operation.access, bucket);
          if (identity.kind === "access-key") ctx.audit = { actor: `key:${identity.accessKeyId}`, requestId };
          if ("byName" in operation.run) return operation.run.byName(ctx, target.bucket ?? "");
          if (!bucket) throw new NoSuchBucket(target.bucket ?? "");
          return operation.run(ctx, bucket);
        }),
      );
    },
    (error: unknown) => sendBosError(res, toBosError(error, requestId), requestId),
  );
}

export interface ObjectApi {
  /** Answers the request and returns true, or returns false when it is for the console. */
  handle(req: IncomingMessage, res: ServerResponse): boolean;
}

export function createObjectApi(deps: ObjectApiServices, objectHost: string | undefined): ObjectApi {
  return {
    handle(req, res) {
      const requestId = newRequestId();
      let target;
      try {
        target = requestTarget(req, objectHost);
      } catch (error) {
        observeRequest(deps.telemetry, req, res, "bos", requestId);
        res.setHeader("x-bce-request-id", requestId);
        sendBosError(res, toBosError(error, requestId), requestId);
        return true;
      }
      if (!target) return false;
      const seen = observeRequest(deps.telemetry, req, res, "bos", requestId);
      seen.bucket = target.bucket;
      seen.key = target.key;
      res.setHeader("x-bce-request-id", requestId);
      setObjectResponseHeaders(res);
      // One object literal, every field named: a spread of the services here cost ~12 µs per request
      // in V8's slow paths (perf: Runtime_DefineNamedOwnIC_Miss under this function), a 4 KiB hit's 7%.
      const ctx: ObjectApiContext = {
        objects: deps.objects,
        multipart: deps.multipart,
        engine: deps.engine,
        fetches: deps.fetches,
        req,
        res,
        requestId,
        target,
        bucket: null,
        audit: { actor: "anonymous", requestId },
      };
      dispatch(ctx, seen);
      return true;
    },
  };
}
