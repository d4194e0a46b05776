/**
 * The S3 API, answered by Node's own HTTP server ahead of BOS and Next, over the same object
 * service and back-to-origin engine. A request signed with AWS Signature Version 4 (header or
 * presigned query) is an S3 request whatever its path, as a bce-auth-v1 signature marks a BOS one;
 * so is an unsigned request that an S3 client sends (see isAnonymousS3), outside `/v1`. Every
 * response carries x-amz-request-id and the object API's nosniff and sandbox headers; every error
 * is an S3 XML document.
 */
import { newRequestId } from "@/lib/observability/request-id";
import type { IncomingMessage, ServerResponse } from "node:http";
import { findSigningSecret } from "@/lib/auth/access-key-service";
import type { BucketRecord } from "@/lib/buckets/bucket-record";
import { findBucketRecord } from "@/lib/buckets/bucket-service";
import { NoSuchBucket } from "@/lib/domain/errors";
import { setObjectResponseHeaders } from "@/lib/http/object-response-headers";
import { observeRequest, type ObservedRequest } from "@/lib/http/request-telemetry";
import { andCatch, andThen, type MaybePromise } from "@/lib/maybe-promise";
import { isSigV4, verifySigV4, type S3Identity } from "./auth/sigv4";
import type { S3ApiDeps, S3Context, S3Settings } from "./context";
import { resolveS3Operation, type S3Access } from "./operations";
import { s3Target, splitUrl, type S3Target } from "./request-target";
import { sendS3Error } from "./respond";
import { S3Error, toS3Error } from "./s3-error";

/** An AWS Signature Version 2 request (header or presigned), which this server refuses. */
function isSigV2(req: IncomingMessage, query: URLSearchParams): boolean {
  return req.headers.authorization?.startsWith("AWS ") === true || (query.has("AWSAccessKeyId") && query.has("Signature"));
}

/** User agents of S3 clients that send nothing else S3-specific when unsigned (aws --no-sign-request). */
const S3_CLIENT_AGENT = /^(aws-cli|aws-sdk-|Boto3|Botocore|rclone|s3cmd|MinIO)/i;

/**
 * An unsigned request that an S3 client sends: AWS SDKs add x-amz-* or amz-sdk-* headers (no BOS
 * client does), ListObjectsV2 has list-type, and the CLIs name themselves. Outside /v1 only: a
 * bucket name has at least three characters, so `/v1/…` is always BOS.
 */
function isAnonymousS3(req: IncomingMessage, path: string, query: URLSearchParams): boolean {
  if (req.headers.authorization !== undefined || query.has("authorization")) return false;
  if (path === "/v1" || path.startsWith("/v1/")) return false;
  if (Object.keys(req.headers).some((name) => name.startsWith("x-amz-") || name.startsWith("amz-sdk-")) || query.has("list-type")) return true;
  return S3_CLIENT_AGENT.test(req.headers["user-agent"] ?? "");
}

/** An S3 request without a SigV4 signature: a SigV2 one (refused later), or an anonymous one from an S3 client. */
function isUnsignedS3Request(req: IncomingMessage): boolean {
  const { path, rawQuery } = splitUrl(req.url ?? "/");
  const query = new URLSearchParams(rawQuery);
  if (isSigV2(req, query)) return true;
  // Unsigned requests (a bucket's virtual host included) stay with BOS unless an AWS client sent them.
  return isAnonymousS3(req, path, query);
}

function lookupSecret(accessKeyId: string): MaybePromise<string | null> {
  return andThen(findSigningSecret(accessKeyId), (key) => (key && key.enabled ? key.secretKey : null));
}

function authenticate(req: IncomingMessage, target: S3Target, region: string, sigV4: boolean): MaybePromise<S3Identity | null> {
  if (sigV4) {
    const request = { method: req.method ?? "GET", rawPath: target.rawPath, rawQuery: target.rawQuery, headers: req.headers, rawHeaders: req.rawHeaders };
    return verifySigV4(request, lookupSecret, { region });
  }
  if (isSigV2(req, target.query)) {
    throw new S3Error("InvalidRequest", "The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256 (Signature Version 4).");
  }
  return null;
}

/**
 * Anonymous requests may only read public-read buckets. A missing bucket answers exactly as a
 * private one does, so anonymous clients cannot probe which bucket names exist.
 */
function authorize(identity: S3Identity | null, access: S3Access, bucket: BucketRecord | null): void {
  if (identity) return;
  if (access === "read" && bucket?.acl === "public-read") return;
  throw new S3Error("AccessDenied", "This request needs an AWS Signature Version 4 signature (or a presigned URL).");
}

/** One S3 request on its way to its operation. */
interface S3Request {
  deps: S3ApiDeps;
  settings: S3Settings;
  req: IncomingMessage;
  res: ServerResponse;
  requestId: string;
  /** Whether it carries SigV4 (decided once, by handle). */
  sigV4: boolean;
  seen: ObservedRequest;
}

/**
 * Runs the request's operation: synchronously as far as the caches answer (lib/maybe-promise.ts);
 * any failure, thrown or rejected, becomes the S3 error answer.
 */
function dispatch({ deps, settings, req, res, requestId, sigV4, seen }: S3Request): void {
  const { objects, multipart, engine, telemetry } = deps;
  let resource = splitUrl(req.url ?? "/").path;
  void andCatch(
    () => {
      const target = s3Target(req, settings.objectHost);
      resource = target.resource;
      seen.bucket = target.bucket;
      seen.key = target.key;
      return andThen(authenticate(req, target, settings.region, sigV4), (identity) => {
        const operation = resolveS3Operation(req.method ?? "GET", target, req.headers);
        seen.operation = operation.name;
        const ctx: S3Context = {
          objects,
          multipart,
          engine,
          telemetry,
          req,
          res,
          requestId,
          region: settings.region,
          target,
          bucket: null,
          identity,
          audit: identity ? { actor: `key:${identity.accessKeyId}`, requestId } : { actor: "anonymous", requestId },
        };
        // The bucket is looked up once, here; a missing one answers anonymous clients as a private one.
        return andThen(target.bucket === null ? null : findBucketRecord(target.bucket), (bucket) => {
          ctx.bucket = bucket;
          authorize(identity, operation.access, bucket);
          if ("byName" in operation.run) return operation.run.byName(ctx, target.bucket ?? "");
          if (!bucket) throw new NoSuchBucket(target.bucket ?? "");
          return operation.run(ctx, bucket);
        });
      });
    },
    (error: unknown) => sendS3Error(res, toS3Error(error, requestId), requestId, resource),
  );
}

export interface S3Api {
  /** Answers the request and returns true, or returns false when it is not an S3 request. */
  handle(req: IncomingMessage, res: ServerResponse): boolean;
}

export function createS3Api(deps: S3ApiDeps, settings: S3Settings): S3Api {
  const { telemetry } = deps;
  return {
    handle(req, res) {
      // Decided once: whether the request is S3 at all, and whether it carries SigV4.
      const sigV4 = isSigV4(req);
      if (!sigV4 && !isUnsignedS3Request(req)) return false;
      const requestId = newRequestId();
      res.setHeader("x-amz-request-id", requestId);
      setObjectResponseHeaders(res);
      const seen = observeRequest(telemetry, req, res, "s3", requestId);
      dispatch({ deps, settings, req, res, requestId, sigV4, seen });
      return true;
    },
  };
}
