/**
 * The one place where management-API route handlers check who is calling, parse input and turn
 * failures into the error shape. Every handler is wrapped, so every handler checks the session
 * and, for anything but GET, that the request comes from the console's own origin (middleware
 * alone is not an auth boundary). Handlers stay thin: `apiRoute(async (request, params, user) => ...)`.
 */
import { newRequestId } from "@/lib/observability/request-id";
import type { z } from "zod";
import type { AuditContext } from "@/lib/audit/audit-log";
import { SESSION_COOKIE, readCookie } from "@/lib/auth/session-cookie";
import { sessionUser, type SessionUser } from "@/lib/auth/session-service";
import { DomainError } from "@/lib/domain/errors";
import { answerableFailure, knownFailure } from "@/lib/runtime/known-failures";
import { apiErrorFor } from "./api-error-map";
import { ApiError, addFieldError, type ApiErrorBody, type FieldErrors } from "./api-error";
import { MAX_JSON_BODY_BYTES } from "./body-limit";
import { currentApp } from "@/lib/runtime/current-app";

type RouteContext<P> = { params: Promise<P> };
/** Who is calling: the signed-in user, and the audit context their changes are recorded under. */
export interface Caller {
  user: SessionUser;
  audit: AuditContext;
}
type Handler<P> = (request: Request, params: P, caller: Caller) => Promise<Response>;
type PublicHandler<P> = (request: Request, params: P, requestId: string) => Promise<Response>;

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * The host of an `Origin` header that is exactly an origin, `scheme://host[:port]` as browsers send
 * it; null for anything else. URL parsing alone is lenient (`http://user@host/x` has host `host`),
 * so the header must equal its own serialised origin: no userinfo, path, query or stray characters.
 */
function exactOriginHost(origin: string | null): string | null {
  if (!origin || origin === "null") return null;
  try {
    const url = new URL(origin);
    if ((url.protocol !== "http:" && url.protocol !== "https:") || url.origin !== origin) return null;
    return url.host;
  } catch {
    return null;
  }
}

/** Refuses a state-changing request that does not come from this site: cross-site, `Origin: null`, or none. */
function assertSameOrigin(request: Request): void {
  if (SAFE_METHODS.has(request.method)) return;
  const originHost = exactOriginHost(request.headers.get("origin"));
  if (!originHost || originHost !== request.headers.get("host")) {
    throw new ApiError("CrossSiteRequest", "This request did not come from the console's own origin, so it was refused.");
  }
}

function wrap<P>(handler: PublicHandler<P>) {
  return async (request: Request, context: RouteContext<P>): Promise<Response> => {
    const requestId = newRequestId();
    try {
      assertSameOrigin(request);
      const response = await handler(request, await context.params, requestId);
      response.headers.set("x-request-id", requestId);
      return response;
    } catch (error) {
      return errorResponse(error, requestId);
    }
  };
}

/** A handler for signed-in users: 401 without a live session. */
export function apiRoute<P = Record<string, never>>(handler: Handler<P>) {
  return wrap<P>(async (request, params, requestId) => {
    const user = await sessionUser(readCookie(request, SESSION_COOKIE));
    if (!user) throw new ApiError("Unauthenticated", "Sign in to use the console API.");
    return handler(request, params, { user, audit: { actor: `user:${user.email}`, requestId } });
  });
}

/** A handler anyone may call (signing in); the same-origin check still applies. */
export function publicApiRoute<P = Record<string, never>>(handler: (request: Request, params: P) => Promise<Response>) {
  return wrap<P>((request, params) => handler(request, params));
}

function errorResponse(error: unknown, requestId: string): Response {
  const apiError = error instanceof ApiError ? error : error instanceof DomainError ? apiErrorFor(error) : unexpectedError(error, requestId);
  const body: ApiErrorBody = { code: apiError.code, message: apiError.message, requestId };
  if (apiError.fieldErrors) body.fieldErrors = apiError.fieldErrors;
  const headers: Record<string, string> = { "x-request-id": requestId };
  if (apiError.retryAfterSeconds !== undefined) headers["retry-after"] = String(apiError.retryAfterSeconds);
  if (apiError.closeConnection) headers.connection = "close";
  return Response.json(body, { status: apiError.status, headers });
}

/** A full disk or a busy database as its domain error; anything else is logged and answered 500. */
function unexpectedError(error: unknown, requestId: string): ApiError {
  const known = answerableFailure(error, requestId);
  if (known) return apiErrorFor(known);
  currentApp().telemetry.logger.error({ requestId, err: error }, "management API error");
  return new ApiError("InternalError", "Something went wrong on the server. Quote the request id when reporting it.");
}

export function zodFieldErrors(error: z.ZodError): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of error.issues) addFieldError(errors, issue.path.join(".") || "_root", issue.message);
  return errors;
}

function payloadTooLarge(): ApiError {
  const error = new ApiError("PayloadTooLarge", `The request body is larger than ${MAX_JSON_BODY_BYTES} bytes.`);
  // The rest of the body may still be on the wire; reading it only to discard it is what an attacker wants.
  error.closeConnection = true;
  return error;
}

/**
 * The body as text, never holding more than MAX_JSON_BODY_BYTES of it: a declared Content-Length
 * over the limit is refused before reading, and a streamed (chunked) body as soon as it passes
 * the limit. `request.text()` would first buffer whatever arrives, however large.
 */
async function readLimitedText(request: Request): Promise<string> {
  const declared = request.headers.get("content-length");
  if (declared !== null && Number(declared) > MAX_JSON_BODY_BYTES) throw payloadTooLarge();
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let received = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    received += value.byteLength;
    if (received > MAX_JSON_BODY_BYTES) {
      // Stop pulling, but do not cancel: cancelling the body of a Node request destroys its socket
      // at once, before the 413 is written. The answer says Connection: close instead, and Node
      // closes the connection once it is sent; unread bytes stay in the socket's small buffers.
      reader.releaseLock();
      throw payloadTooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** Reads a JSON body and parses it with `schema`: 400 for bad JSON, 413 when too large, 422 for bad fields. */
export async function readJsonBody<S extends z.ZodType>(request: Request, schema: S): Promise<z.output<S>> {
  const text = await readLimitedText(request);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ApiError("MalformedJson", `The request body is not valid JSON: ${(error as Error).message}`);
  }
  const result = schema.safeParse(json);
  if (!result.success) {
    throw new ApiError("ValidationFailed", "Some fields are invalid.", zodFieldErrors(result.error));
  }
  return result.data;
}

/** Parses the request URL's query parameters with `schema`: 422 for bad fields. */
export function readQuery<S extends z.ZodType>(request: Request, schema: S): z.output<S> {
  const result = schema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!result.success) {
    throw new ApiError("ValidationFailed", "Some query parameters are invalid.", zodFieldErrors(result.error));
  }
  return result.data;
}

/**
 * For a handler that streams a large body (an object upload) and failed before reading all of it:
 * the same error, answered with `Connection: close` rather than after reading the rest.
 */
export function closingConnection(error: unknown): unknown {
  const apiError = error instanceof ApiError ? error : error instanceof DomainError ? apiErrorFor(error) : knownApiError(error);
  if (!apiError) return error;
  apiError.closeConnection = true;
  return apiError;
}

function knownApiError(error: unknown): ApiError | null {
  const known = knownFailure(error);
  return known && apiErrorFor(known);
}

export function json(body: unknown, status = 200): Response {
  return Response.json(body, { status });
}

export function noContent(): Response {
  return new Response(null, { status: 204 });
}
