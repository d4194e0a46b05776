/**
 * Errors of the management API: one shape, `{ code, message, requestId, fieldErrors? }`, and one
 * fixed status per code. Pure, so the browser's API client can read the same types.
 */
export const API_ERROR_STATUS = {
  MalformedJson: 400,
  MalformedUrl: 400,
  Unauthenticated: 401,
  InvalidCredentials: 401,
  CrossSiteRequest: 403,
  TooManyAttempts: 429,
  TooManyRequests: 429,
  PayloadTooLarge: 413,
  ValidationFailed: 422,
  NoSuchBucket: 404,
  NoSuchRule: 404,
  NoSuchAccessKey: 404,
  NoSuchImportJob: 404,
  ImportJobStateConflict: 409,
  BucketAlreadyExists: 409,
  BucketNotEmpty: 409,
  BucketInUse: 409,
  RuleConflict: 409,
  StaleVersion: 409,
  TooManyRules: 409,
  NoSuchKey: 404,
  InvalidObjectName: 400,
  InvalidRange: 416,
  IncompleteBody: 400,
  BadDigest: 400,
  MirrorFailed: 424,
  LoopDetected: 508,
  InternalError: 500,
  InsufficientStorage: 507,
  ServerBusy: 503,
} as const;

export type ApiErrorCode = keyof typeof API_ERROR_STATUS;

/** Field path ("origin.host", "headers.set.0.name") to the messages for that field. */
export type FieldErrors = Record<string, string[]>;

export interface ApiErrorBody {
  code: ApiErrorCode;
  message: string;
  requestId: string;
  fieldErrors?: FieldErrors;
}

export class ApiError extends Error {
  readonly status: number;
  /** For 429 and 503: when to try again (sent as Retry-After). */
  retryAfterSeconds?: number;
  /** The request body is still partly unread: answer with `Connection: close` rather than read the rest. */
  closeConnection?: boolean;

  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly fieldErrors?: FieldErrors,
  ) {
    super(message);
    this.name = "ApiError";
    this.status = API_ERROR_STATUS[code];
  }
}

export function addFieldError(errors: FieldErrors, path: string, message: string): FieldErrors {
  (errors[path] ??= []).push(message);
  return errors;
}
