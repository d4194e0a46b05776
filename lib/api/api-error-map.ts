/**
 * The management API's one table from domain errors to its codes (and so statuses). Services
 * throw domain errors (lib/domain/errors.ts); route-handler.ts answers them through this map.
 */
import { DatabaseBusy, OriginBusy, OriginUnavailable, type DomainError, type DomainErrorCode } from "@/lib/domain/errors";
import { ApiError, type ApiErrorCode, type FieldErrors } from "./api-error";

const API_CODE: { [C in DomainErrorCode]: ApiErrorCode } = {
  NoSuchBucket: "NoSuchBucket",
  BucketAlreadyExists: "BucketAlreadyExists",
  BucketNotEmpty: "BucketNotEmpty",
  BucketInUse: "BucketInUse",
  NoSuchKey: "NoSuchKey",
  InvalidObjectName: "InvalidObjectName",
  InvalidRange: "InvalidRange",
  EntityTooLarge: "PayloadTooLarge",
  IncompleteBody: "IncompleteBody",
  BadDigest: "BadDigest",
  StorageFull: "InsufficientStorage",
  DatabaseBusy: "ServerBusy",
  // Multipart uploads are an object-API matter; the management API never sees these.
  NoSuchUpload: "NoSuchKey",
  InvalidPart: "ValidationFailed",
  InvalidPartOrder: "ValidationFailed",
  EntityTooSmall: "ValidationFailed",
  NoSuchRule: "NoSuchRule",
  RuleConflict: "RuleConflict",
  StaleVersion: "StaleVersion",
  TooManyRules: "TooManyRules",
  InvalidInput: "ValidationFailed",
  NoSuchAccessKey: "NoSuchAccessKey",
  NoSuchImportJob: "NoSuchImportJob",
  ImportJobStateConflict: "ImportJobStateConflict",
  OriginFailure: "MirrorFailed",
  OriginNotFound: "NoSuchKey",
  OriginBusy: "ServerBusy",
  OriginUnavailable: "MirrorFailed",
  UnsafeOriginPath: "InvalidObjectName",
  MirrorLoop: "LoopDetected",
};

/** Which form field an error belongs to, so the console can show it there. */
function fieldErrorsOf(error: DomainError): FieldErrors | undefined {
  if ("fieldErrors" in error) return error.fieldErrors as FieldErrors;
  if (error.code === "BucketAlreadyExists") return { name: [error.message] };
  return undefined;
}

export function apiErrorFor(error: DomainError): ApiError {
  const apiError = new ApiError(API_CODE[error.code], error.message, fieldErrorsOf(error));
  if (error instanceof OriginBusy || error instanceof DatabaseBusy) apiError.retryAfterSeconds = error.retryAfterSeconds;
  if (error instanceof OriginUnavailable) apiError.retryAfterSeconds = error.retryAfterSeconds();
  return apiError;
}
