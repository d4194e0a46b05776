/**
 * S3 errors: XML `<Error><Code/><Message/><Resource/><RequestId/></Error>` with S3's status for
 * each code, and one table from the domain's errors to S3 codes (as bos-error.ts is for BOS). The
 * SigV4 verifier and payload decoder (lib/s3/auth) throw errors with S3 codes of their own; they
 * pass through with their code and message.
 */
import { DatabaseBusy, DomainError, InvalidRange, OriginBusy, OriginFailure, OriginUnavailable, type DomainErrorCode } from "@/lib/domain/errors";
import { answerableFailure } from "@/lib/runtime/known-failures";
import { currentApp } from "@/lib/runtime/current-app";

export const S3_ERROR_STATUS = {
  // 400
  AuthorizationHeaderMalformed: 400,
  AuthorizationQueryParametersError: 400,
  BadDigest: 400,
  EntityTooLarge: 400,
  EntityTooSmall: 400,
  IncompleteBody: 400,
  IncompleteSignature: 400,
  InvalidArgument: 400,
  InvalidBucketName: 400,
  InvalidDigest: 400,
  InvalidLocationConstraint: 400,
  InvalidPart: 400,
  InvalidPartOrder: 400,
  InvalidRequest: 400,
  InvalidStorageClass: 400,
  MalformedACLError: 400,
  MalformedXML: 400,
  MaxMessageLengthExceeded: 400,
  MissingSecurityHeader: 400,
  XAmzContentSHA256Mismatch: 400,
  // 403
  AccessDenied: 403,
  InvalidAccessKeyId: 403,
  RequestTimeTooSkewed: 403,
  SignatureDoesNotMatch: 403,
  // 404
  NoSuchBucket: 404,
  NoSuchKey: 404,
  NoSuchUpload: 404,
  // 405, 409, 411, 412, 416
  MethodNotAllowed: 405,
  BucketAlreadyOwnedByYou: 409,
  BucketNotEmpty: 409,
  BucketInUse: 409,
  MissingContentLength: 411,
  PreconditionFailed: 412,
  InvalidRange: 416,
  // This service's own: back-to-origin, storage.
  MirrorFailed: 424,
  InternalError: 500,
  NotImplemented: 501,
  SlowDown: 503,
  InsufficientStorage: 507,
  LoopDetected: 508,
} as const;

export type S3ErrorCode = keyof typeof S3_ERROR_STATUS;

export class S3Error extends Error {
  readonly status: number;

  constructor(
    /** One of S3_ERROR_STATUS's codes, or a code the SigV4 layer chose (with `status`). */
    readonly code: S3ErrorCode | (string & {}),
    message: string,
    options: {
      status?: number;
      /** What the client is not told (internal addresses, DNS answers): logged with the request id. */
      logDetail?: string;
      /** Extra response headers (Content-Range of a 416). */
      headers?: Record<string, string>;
      /** Extra elements of the error document (BucketName, Key, …). */
      fields?: Record<string, string>;
    } = {},
  ) {
    super(message);
    this.name = "S3Error";
    this.status = options.status ?? S3_ERROR_STATUS[code as S3ErrorCode] ?? 400;
    this.logDetail = options.logDetail;
    this.headers = options.headers ?? {};
    this.fields = options.fields ?? {};
  }

  readonly logDetail: string | undefined;
  readonly headers: Record<string, string>;
  readonly fields: Record<string, string>;
}

/** S3's one table from domain errors to its codes (and so statuses). */
const S3_CODE: { [C in DomainErrorCode]: S3ErrorCode } = {
  NoSuchBucket: "NoSuchBucket",
  // Every access key acts for the one owner of every bucket.
  BucketAlreadyExists: "BucketAlreadyOwnedByYou",
  BucketNotEmpty: "BucketNotEmpty",
  BucketInUse: "BucketInUse",
  NoSuchKey: "NoSuchKey",
  InvalidObjectName: "InvalidArgument",
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
  NoSuchImportJob: "InvalidArgument",
  ImportJobStateConflict: "InvalidArgument",
  OriginFailure: "MirrorFailed",
  OriginNotFound: "NoSuchKey",
  OriginBusy: "SlowDown",
  OriginUnavailable: "MirrorFailed",
  UnsafeOriginPath: "InvalidArgument",
  MirrorLoop: "LoopDetected",
};

function fromDomainError(error: DomainError): S3Error {
  const code = S3_CODE[error.code];
  if (error instanceof OriginFailure) return new S3Error(code, `Back-to-origin failed: ${error.message}.`, { logDetail: error.detail });
  if (error instanceof OriginBusy || error instanceof DatabaseBusy) return new S3Error(code, error.message, { headers: { "retry-after": String(error.retryAfterSeconds) } });
  if (error instanceof OriginUnavailable) {
    return new S3Error(code, `Back-to-origin failed: ${error.message}.`, { headers: { "retry-after": String(error.retryAfterSeconds()) } });
  }
  if (error instanceof InvalidRange) {
    return new S3Error(code, error.message, { headers: { "content-range": `bytes */${error.size}` }, fields: { ActualObjectSize: String(error.size) } });
  }
  const fields: Record<string, string> = {};
  if ("bucket" in error && typeof error.bucket === "string") fields.BucketName = error.bucket;
  if ("key" in error && typeof error.key === "string") fields.Key = error.key;
  if ("fieldErrors" in error && error.fieldErrors && !error.message.includes(":")) {
    // S3 errors have no field map: name the fields in the message.
    const problems = Object.entries(error.fieldErrors as Record<string, string[]>).map(([path, messages]) => `${path}: ${messages.join(" ")}`);
    return new S3Error(code, `${error.message} ${problems.join("; ")}`, { fields });
  }
  return new S3Error(code, error.message, { fields });
}

/** Errors of the SigV4 verifier and payload decoder: an Error with an S3 `code` (and maybe a status). */
function isCodedError(error: unknown): error is Error & { code: string; status?: number } {
  const code = error instanceof Error ? (error as { code?: unknown }).code : undefined;
  return typeof code === "string" && /^[A-Z][A-Za-z0-9]+$/.test(code);
}

/** Where an unexpected error goes (the app's log; tests listen in). */
export type UnexpectedErrorLog = (fields: { requestId: string; err: unknown }, message: string) => void;

const appLog: UnexpectedErrorLog = (fields, message) => currentApp().telemetry.logger.error(fields, message);

export function toS3Error(error: unknown, requestId: string, logUnexpected: UnexpectedErrorLog = appLog): S3Error {
  if (error instanceof S3Error) return error;
  if (error instanceof DomainError) return fromDomainError(error);
  if ((error as { code?: unknown } | null)?.code === "ECONNRESET") {
    // The client went away mid-request (or the idle timeout cut it off): its fault, not ours.
    return new S3Error("IncompleteBody", "The connection closed before the request body was complete.");
  }
  const known = answerableFailure(error, requestId);
  if (known) return fromDomainError(known);
  if (isCodedError(error) && (error.name.startsWith("S3") || error.code in S3_ERROR_STATUS)) {
    const status = typeof error.status === "number" ? error.status : undefined;
    const fallback = error.name === "S3AuthError" ? 403 : 400;
    // The verifier's extra elements (Region, StringToSign, CanonicalRequest, …): what a client needs to find its mistake.
    const details = (error as { details?: unknown }).details;
    const fields = details && typeof details === "object" ? Object.fromEntries(Object.entries(details).filter(([, value]) => typeof value === "string")) : {};
    return new S3Error(error.code, error.message || error.code, { status: status ?? S3_ERROR_STATUS[error.code as S3ErrorCode] ?? fallback, fields });
  }
  logUnexpected({ requestId, err: error }, "S3 API error");
  return new S3Error("InternalError", "The server failed to handle the request. Quote the request id when reporting it.");
}
