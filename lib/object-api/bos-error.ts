/** BOS-style errors of the object API: JSON `{code, message, requestId}` with a fixed status. */
import type { ServerResponse } from "node:http";
import { DatabaseBusy, DomainError, InvalidInput, InvalidRange, OriginBusy, OriginFailure, OriginUnavailable, type DomainErrorCode } from "@/lib/domain/errors";
import { bodyLeftUnread } from "@/lib/http/unread-body";
import { answerableFailure } from "@/lib/runtime/known-failures";
import { currentApp } from "@/lib/runtime/current-app";

export const BOS_ERROR_STATUS = {
  InvalidArgument: 400,
  InvalidBucketName: 400,
  InvalidObjectName: 400,
  BadDigest: 400,
  EntityTooLarge: 400,
  EntityTooSmall: 400,
  InvalidPart: 400,
  InvalidPartOrder: 400,
  IncompleteBody: 400,
  MalformedJSON: 400,
  AccessDenied: 403,
  SignatureDoesNotMatch: 403,
  RequestExpired: 403,
  InvalidAccessKeyId: 403,
  NoSuchBucket: 404,
  NoSuchKey: 404,
  NoSuchUpload: 404,
  MethodNotAllowed: 405,
  BucketAlreadyExists: 409,
  BucketNotEmpty: 409,
  BucketInUse: 409,
  OperationAborted: 409,
  InvalidRange: 416,
  MirrorFailed: 424,
  LoopDetected: 508,
  InsufficientStorage: 507,
  InternalError: 500,
  SlowDown: 503,
} as const;

export type BosErrorCode = keyof typeof BOS_ERROR_STATUS;

export class BosError extends Error {
  readonly status: number;

  constructor(
    readonly code: BosErrorCode,
    message: string,
    /** What the client is not told (internal addresses, DNS answers): logged with the request id. */
    readonly logDetail?: string,
    /** Extra response headers (Content-Range of a 416). */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "BosError";
    this.status = BOS_ERROR_STATUS[code];
  }
}

/** BOS's one table from domain errors to its codes (and so statuses). */
const BOS_CODE: { [C in DomainErrorCode]: BosErrorCode } = {
  NoSuchBucket: "NoSuchBucket",
  BucketAlreadyExists: "BucketAlreadyExists",
  BucketNotEmpty: "BucketNotEmpty",
  BucketInUse: "BucketInUse",
  NoSuchKey: "NoSuchKey",
  InvalidObjectName: "InvalidObjectName",
  InvalidRange: "InvalidRange",
  EntityTooLarge: "EntityTooLarge",
  IncompleteBody: "IncompleteBody",
  BadDigest: "BadDigest",
  StorageFull: "InsufficientStorage",
  DatabaseBusy: "SlowDown",
  NoSuchUpload: "NoSuchUpload",
  InvalidPart: "InvalidPart",
  InvalidPartOrder: "InvalidPartOrder",
  EntityTooSmall: "EntityTooSmall",
  NoSuchRule: "InvalidArgument",
  RuleConflict: "InvalidArgument",
  StaleVersion: "InvalidArgument",
  TooManyRules: "InvalidArgument",
  InvalidInput: "InvalidArgument",
  NoSuchAccessKey: "InvalidArgument",
  // Import jobs are a management-API matter; the object API never sees these.
  NoSuchImportJob: "InvalidArgument",
  ImportJobStateConflict: "InvalidArgument",
  OriginFailure: "MirrorFailed",
  OriginNotFound: "NoSuchKey",
  OriginBusy: "SlowDown",
  OriginUnavailable: "MirrorFailed",
  UnsafeOriginPath: "InvalidObjectName",
  MirrorLoop: "LoopDetected",
};

function fromDomainError(error: DomainError): BosError {
  const code = BOS_CODE[error.code];
  if (error instanceof OriginFailure) return new BosError(code, `Back-to-origin failed: ${error.message}.`, error.detail);
  if (error instanceof InvalidRange) return new BosError(code, error.message, undefined, { "content-range": `bytes */${error.size}` });
  if (error instanceof OriginBusy || error instanceof DatabaseBusy) return new BosError(code, error.message, undefined, { "retry-after": String(error.retryAfterSeconds) });
  if (error instanceof OriginUnavailable) {
    return new BosError(code, `Back-to-origin failed: ${error.message}.`, undefined, { "retry-after": String(error.retryAfterSeconds()) });
  }
  if (error instanceof InvalidInput && !error.message.includes(":")) {
    // BOS errors have no field map: name the fields in the message.
    const fields = Object.entries(error.fieldErrors).map(([path, messages]) => `${path}: ${messages.join(" ")}`);
    return new BosError(code, `${error.message} ${fields.join("; ")}`);
  }
  return new BosError(code, error.message);
}

export function toBosError(error: unknown, requestId: string): BosError {
  if (error instanceof BosError) return error;
  if (error instanceof DomainError) return fromDomainError(error);
  if ((error as { code?: unknown }).code === "ECONNRESET") {
    // The client went away mid-request (or the idle timeout cut it off): its fault, not ours.
    return new BosError("IncompleteBody", "The connection closed before the request body was complete.");
  }
  const known = answerableFailure(error, requestId);
  if (known) return fromDomainError(known);
  currentApp().telemetry.logger.error({ requestId, err: error }, "object API error");
  return new BosError("InternalError", "The server failed to handle the request. Quote the request id when reporting it.");
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(payload) });
  res.end(payload);
}

export function sendBosError(res: ServerResponse, error: BosError, requestId: string): void {
  if (error.logDetail) currentApp().telemetry.logger.warn({ requestId, code: error.code, detail: error.logDetail }, error.code);
  if (res.headersSent) {
    res.destroy(error);
    return;
  }
  // Every early error of every handler passes here: never leave the rest of a body on a kept-alive connection.
  if (bodyLeftUnread(res.req)) res.setHeader("connection", "close");
  for (const [name, value] of Object.entries(error.headers)) res.setHeader(name, value);
  sendJson(res, error.status, { code: error.code, message: error.message, requestId });
}
