/**
 * The domain's failures, as classes with the fields a caller may need. Services throw these and
 * know nothing of HTTP; each protocol maps them with one table (lib/api/api-error-map.ts for the
 * management API's JSON, lib/object-api/bos-error.ts for BOS; an S3 XML table would be a third).
 * `message` is written for the person reading the error response.
 */
export type FieldErrors = Record<string, string[]>;

export abstract class DomainError extends Error {
  abstract readonly code: DomainErrorCode;

  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

// Buckets
export class NoSuchBucket extends DomainError {
  readonly code = "NoSuchBucket";
  constructor(readonly bucket: string) {
    super(`There is no bucket named ${bucket}.`);
  }
}
export class BucketAlreadyExists extends DomainError {
  readonly code = "BucketAlreadyExists";
  constructor(readonly bucket: string) {
    super(`A bucket named ${bucket} already exists.`);
  }
}
export class BucketNotEmpty extends DomainError {
  readonly code = "BucketNotEmpty";
  constructor(
    readonly bucket: string,
    readonly objectCount: number,
  ) {
    super(`${bucket} still holds ${objectCount} ${objectCount === 1 ? "object" : "objects"}; delete them first.`);
  }
}
export class BucketInUse extends DomainError {
  readonly code = "BucketInUse";
  constructor(
    readonly bucket: string,
    readonly byBucket: string,
    readonly ruleId: number,
  ) {
    super(`${bucket} is the origin of rule #${ruleId} in bucket ${byBucket}; change that rule first.`);
  }
}

// Objects
export class NoSuchKey extends DomainError {
  readonly code = "NoSuchKey";
  /** `detail` says why, e.g. that no rule matches or the origin has no such object. */
  constructor(
    readonly bucket: string,
    readonly key: string,
    detail?: string,
  ) {
    super(`${key} does not exist in ${bucket}${detail ? `, and ${detail}` : ""}.`);
  }
}
export class InvalidObjectName extends DomainError {
  readonly code = "InvalidObjectName";
  constructor(readonly problem: string) {
    super(problem);
  }
}
export class InvalidRange extends DomainError {
  readonly code = "InvalidRange";
  constructor(
    readonly range: string,
    readonly size: number,
  ) {
    super(`The range ${range} is outside the object (bytes */${size}).`);
  }
}
export class EntityTooLarge extends DomainError {
  readonly code = "EntityTooLarge";
  constructor(
    readonly limit: number,
    what = "The object",
  ) {
    super(`${what} is larger than the ${limit}-byte limit.`);
  }
}
export class IncompleteBody extends DomainError {
  readonly code = "IncompleteBody";
  constructor(
    readonly received: number,
    readonly declared: number | null,
  ) {
    super(declared === null ? `The body ended after ${received} bytes.` : `Received ${received} of ${declared} bytes.`);
  }
}
export class BadDigest extends DomainError {
  readonly code = "BadDigest";
  constructor(
    readonly expected: string,
    readonly actual: string,
  ) {
    super(`The body's MD5 ${actual} does not match the ${expected} that was declared.`);
  }
}
/** The disk or quota is full (ENOSPC, SQLITE_FULL): nothing was stored. */
export class StorageFull extends DomainError {
  readonly code = "StorageFull";
  constructor() {
    super("The server's storage is full, so nothing was stored. Deleting objects frees space; ask the operator to add more.");
  }
}
/**
 * The database could not take this request's transaction in time (the server is overloaded):
 * nothing of it was stored, and the client may try again after `retryAfterSeconds`.
 */
export class DatabaseBusy extends DomainError {
  readonly code = "DatabaseBusy";
  readonly retryAfterSeconds = 1;
  constructor() {
    super("The server is too busy to store this change right now; nothing was changed. Try again in a moment.");
  }
}

// Multipart uploads
export class NoSuchUpload extends DomainError {
  readonly code = "NoSuchUpload";
  constructor(readonly uploadId: string) {
    super(`There is no multipart upload ${uploadId}: it was completed or aborted, or never started (a restart of the server aborts uploads in progress).`);
  }
}
/** A part that the completion lists but that was not uploaded, or whose ETag differs. */
export class InvalidPart extends DomainError {
  readonly code = "InvalidPart";
  constructor(
    readonly partNumber: number,
    problem: string,
  ) {
    super(`Part ${partNumber} ${problem}.`);
  }
}
export class InvalidPartOrder extends DomainError {
  readonly code = "InvalidPartOrder";
  constructor() {
    super("The list of parts must name each part once, in ascending order of part number.");
  }
}
/** A part other than the last that is smaller than the minimum part size. */
export class EntityTooSmall extends DomainError {
  readonly code = "EntityTooSmall";
  constructor(
    readonly partNumber: number,
    readonly size: number,
    readonly minimum: number,
  ) {
    super(`Part ${partNumber} has ${size} bytes; every part but the last needs at least ${minimum}.`);
  }
}

// Mirror rules
export class NoSuchRule extends DomainError {
  readonly code = "NoSuchRule";
  constructor(
    readonly bucket: string,
    readonly ruleId: string,
  ) {
    super(`Bucket ${bucket} has no rule #${ruleId}.`);
  }
}
export class RuleConflict extends DomainError {
  readonly code = "RuleConflict";
  constructor(
    /** Every rule the new condition overlaps. */
    readonly ruleIds: number[],
    message: string,
    readonly fieldErrors: FieldErrors,
  ) {
    super(message);
  }
}
export class StaleVersion extends DomainError {
  readonly code = "StaleVersion";
  constructor(
    readonly ruleId: string,
    readonly yours: number,
    readonly current: number,
  ) {
    super(
      `Someone else changed rule #${ruleId} after you opened it (you have version ${yours}, the rule is at ${current}). Reload it and apply your changes again.`,
    );
  }
}
export class TooManyRules extends DomainError {
  readonly code = "TooManyRules";
  constructor(message: string) {
    super(message);
  }
}
/** Input that parsed but does not fit (field path to messages), e.g. a rule's origin refused. */
export class InvalidInput extends DomainError {
  readonly code = "InvalidInput";
  constructor(
    readonly fieldErrors: FieldErrors,
    message = "Some fields are invalid.",
  ) {
    super(message);
  }
}

// Access keys
export class NoSuchAccessKey extends DomainError {
  readonly code = "NoSuchAccessKey";
  constructor(readonly accessKeyId: string) {
    super(`There is no access key ${accessKeyId}.`);
  }
}

// Import jobs
export class NoSuchImportJob extends DomainError {
  readonly code = "NoSuchImportJob";
  constructor(
    readonly bucket: string,
    readonly jobId: string,
  ) {
    super(`Bucket ${bucket} has no import job #${jobId}.`);
  }
}
/** A pause, resume, cancel or retry that the job's state does not allow (e.g. resuming a finished job). */
export class ImportJobStateConflict extends DomainError {
  readonly code = "ImportJobStateConflict";
  constructor(
    readonly jobId: number,
    readonly state: string,
    action: string,
  ) {
    super(`Import job #${jobId} is ${state.replaceAll("_", " ")}, so it cannot be ${action}.`);
  }
}

// Back to origin
export type OriginFailureKind = "refused" | "unreachable" | "timeout" | "network" | "redirects" | "too-large" | "incomplete" | "digest";

/**
 * A failure to get a complete, verified object from an origin. `message` is safe to show a client;
 * `detail` (defaults to `message`) is the full reason, for the server log only: it may name internal
 * addresses, ports or DNS answers that the client must not learn.
 */
export class OriginFailure extends DomainError {
  readonly code = "OriginFailure";
  readonly detail: string;
  constructor(
    readonly kind: OriginFailureKind,
    message: string,
    detail?: string,
    /** The origin's HTTP status, when it answered with one we do not store (5xx, 403…). */
    readonly status?: number,
  ) {
    super(message);
    this.detail = detail ?? message;
  }
}
/** Every origin answered 404 (or had no such object). */
export class OriginNotFound extends DomainError {
  readonly code = "OriginNotFound";
  constructor(readonly tried: string[]) {
    super(`the object is not at ${tried.join(" nor at ")}`);
  }
}
/**
 * Too many back-to-origin requests are already waiting for this origin (the per-origin queue is
 * full): the client should come back after `retryAfterSeconds`.
 */
export class OriginBusy extends DomainError {
  readonly code = "OriginBusy";
  constructor(
    readonly origin: string,
    readonly queued: number,
    readonly retryAfterSeconds: number,
  ) {
    super(`Too many requests to the origin ${origin} are waiting already (${queued}); try again in ${retryAfterSeconds} s.`);
  }
}
/**
 * Another instance is still pulling this key from its origin, past the time a miss waits for it
 * (lib/origin/cluster-flight.ts): answered like a full origin queue, SlowDown with Retry-After.
 */
export class PullElsewhere extends OriginBusy {
  constructor(bucket: string, key: string, retryAfterSeconds: number) {
    super("(another instance)", 0, retryAfterSeconds);
    this.message = `Another instance is still fetching ${bucket}/${key} from its origin; try again in ${retryAfterSeconds} s.`;
  }
}
/**
 * This instance is still giving up the key's lease after its previous fetch ended, past the time a
 * miss waits for it (lib/origin/cluster-flight.ts; the database is slow to take the write):
 * answered like a full origin queue, SlowDown with Retry-After.
 */
export class PreviousPullEnding extends OriginBusy {
  constructor(bucket: string, key: string, retryAfterSeconds: number) {
    super("(this instance)", 0, retryAfterSeconds);
    this.message = `The previous fetch of ${bucket}/${key} is still being wound up; try again in ${retryAfterSeconds} s.`;
  }
}
/**
 * The origin's circuit breaker is open: it failed repeatedly, so misses fail fast instead of asking
 * it, until `retryAt`, when one trial request goes through.
 */
export class OriginUnavailable extends DomainError {
  readonly code = "OriginUnavailable";
  constructor(
    readonly origin: string,
    readonly since: Date,
    readonly retryAt: Date,
    readonly lastFailure: string | null,
  ) {
    super(
      `the origin ${origin} is unavailable since ${since.toISOString()}${lastFailure ? ` (last failure: ${lastFailure})` : ""}, so it is not asked; back-to-origin retries it at ${retryAt.toISOString()}`,
    );
  }

  /** Seconds until the trial request may go, at least 1. */
  retryAfterSeconds(now = Date.now()): number {
    return Math.max(1, Math.ceil((this.retryAt.getTime() - now) / 1000));
  }
}
/** A key whose origin path would leave the rule's address (a "." or ".." segment). */
export class UnsafeOriginPath extends DomainError {
  readonly code = "UnsafeOriginPath";
  constructor(message: string) {
    super(message);
  }
}
/** A request that came from a back-to-origin fetch must not go back to origin again. */
export class MirrorLoop extends DomainError {
  readonly code = "MirrorLoop";
  constructor(
    readonly bucket: string,
    readonly key: string,
  ) {
    super(
      `${key} does not exist in ${bucket}, and this request came from a back-to-origin fetch, so it does not go back to origin again (a rule's origin points at this service).`,
    );
  }
}

export type DomainErrorCode =
  | "NoSuchBucket"
  | "BucketAlreadyExists"
  | "BucketNotEmpty"
  | "BucketInUse"
  | "NoSuchKey"
  | "InvalidObjectName"
  | "InvalidRange"
  | "EntityTooLarge"
  | "IncompleteBody"
  | "BadDigest"
  | "StorageFull"
  | "DatabaseBusy"
  | "NoSuchUpload"
  | "InvalidPart"
  | "InvalidPartOrder"
  | "EntityTooSmall"
  | "NoSuchRule"
  | "RuleConflict"
  | "StaleVersion"
  | "TooManyRules"
  | "InvalidInput"
  | "NoSuchAccessKey"
  | "NoSuchImportJob"
  | "ImportJobStateConflict"
  | "OriginFailure"
  | "OriginNotFound"
  | "OriginBusy"
  | "OriginUnavailable"
  | "UnsafeOriginPath"
  | "MirrorLoop";
