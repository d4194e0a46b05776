/** BOS-style errors of the object API: JSON `{code, message, requestId}` with a fixed status. */
import type { ServerResponse } from "node:http";
import { ApiError } from "@/lib/api/api-error";
import { bodyLeftUnread } from "@/lib/http/unread-body";
import { isStorageFull } from "@/lib/objects/storage-full";

export const BOS_ERROR_STATUS = {
  InvalidArgument: 400,
  InvalidBucketName: 400,
  InvalidObjectName: 400,
  BadDigest: 400,
  EntityTooLarge: 400,
  IncompleteBody: 400,
  MalformedJSON: 400,
  AccessDenied: 403,
  SignatureDoesNotMatch: 403,
  RequestExpired: 403,
  InvalidAccessKeyId: 403,
  NoSuchBucket: 404,
  NoSuchKey: 404,
  MethodNotAllowed: 405,
  BucketAlreadyExists: 409,
  BucketNotEmpty: 409,
  BucketInUse: 409,
  InvalidRange: 416,
  MirrorFailed: 424,
  LoopDetected: 508,
  InsufficientStorage: 507,
  InternalError: 500,
} as const;

export type BosErrorCode = keyof typeof BOS_ERROR_STATUS;

export class BosError extends Error {
  readonly status: number;

  constructor(
    readonly code: BosErrorCode,
    message: string,
    /** What the client is not told (internal addresses, DNS answers): logged with the request id. */
    readonly logDetail?: string,
  ) {
    super(message);
    this.name = "BosError";
    this.status = BOS_ERROR_STATUS[code];
  }
}

/** The management services speak ApiError; the object API answers in BOS's codes. */
function fromApiError(error: ApiError): BosError {
  switch (error.code) {
    case "NoSuchBucket":
    case "BucketAlreadyExists":
    case "BucketNotEmpty":
    case "BucketInUse":
      return new BosError(error.code, error.message);
    case "MalformedJson":
      return new BosError("MalformedJSON", error.message);
    case "PayloadTooLarge":
      return new BosError("EntityTooLarge", error.message);
    case "InternalError":
      return new BosError("InternalError", error.message);
    default: {
      const fields = Object.entries(error.fieldErrors ?? {}).map(([path, messages]) => `${path}: ${messages.join(" ")}`);
      const detail = fields.length > 0 && !error.message.includes(":") ? `${error.message} ${fields.join("; ")}` : error.message;
      return new BosError("InvalidArgument", detail);
    }
  }
}

export function toBosError(error: unknown, requestId: string): BosError {
  if (error instanceof BosError) return error;
  if (error instanceof ApiError) return fromApiError(error);
  if ((error as { code?: unknown }).code === "ECONNRESET") {
    // The client went away mid-request (or the idle timeout cut it off): its fault, not ours.
    return new BosError("IncompleteBody", "The connection closed before the request body was complete.");
  }
  if (isStorageFull(error)) {
    console.error(`[${requestId}] storage full`, error);
    return new BosError("InsufficientStorage", "The server's storage is full, so nothing was stored. Deleting objects frees space; ask the operator to add more.");
  }
  console.error(`[${requestId}] object API error`, error);
  return new BosError("InternalError", "The server failed to handle the request. Quote the request id when reporting it.");
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(payload) });
  res.end(payload);
}

export function sendBosError(res: ServerResponse, error: BosError, requestId: string): void {
  if (error.logDetail) console.warn(`[${requestId}] ${error.code}: ${error.logDetail}`);
  if (res.headersSent) {
    res.destroy(error);
    return;
  }
  // Every early error of every handler passes here: never leave the rest of a body on a kept-alive connection.
  if (bodyLeftUnread(res.req)) res.setHeader("connection", "close");
  if (error.code === "InvalidRange") res.setHeader("content-range", error.message.match(/bytes \*\/\d+/)?.[0] ?? "bytes */0");
  sendJson(res, error.status, { code: error.code, message: error.message, requestId });
}
