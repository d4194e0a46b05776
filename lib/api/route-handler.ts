/**
 * The one place where management-API route handlers parse input and turn failures into the
 * error shape. Handlers stay thin: `apiRoute(async (request, params) => service(...))`.
 */
import { randomUUID } from "node:crypto";
import type { z } from "zod";
import { ApiError, addFieldError, type ApiErrorBody, type FieldErrors } from "./api-error";

const MAX_JSON_BODY_BYTES = 1024 * 1024;

type RouteContext<P> = { params: Promise<P> };
type Handler<P> = (request: Request, params: P) => Promise<Response>;

export function apiRoute<P = Record<string, never>>(handler: Handler<P>) {
  return async (request: Request, context: RouteContext<P>): Promise<Response> => {
    const requestId = randomUUID();
    try {
      const response = await handler(request, await context.params);
      response.headers.set("x-request-id", requestId);
      return response;
    } catch (error) {
      return errorResponse(error, requestId);
    }
  };
}

function errorResponse(error: unknown, requestId: string): Response {
  let apiError: ApiError;
  if (error instanceof ApiError) apiError = error;
  else {
    console.error(`[${requestId}] unhandled error`, error);
    apiError = new ApiError("InternalError", "Something went wrong on the server. Quote the request id when reporting it.");
  }
  const body: ApiErrorBody = { code: apiError.code, message: apiError.message, requestId };
  if (apiError.fieldErrors) body.fieldErrors = apiError.fieldErrors;
  return Response.json(body, { status: apiError.status, headers: { "x-request-id": requestId } });
}

export function zodFieldErrors(error: z.ZodError): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of error.issues) addFieldError(errors, issue.path.join(".") || "_root", issue.message);
  return errors;
}

/** Reads a JSON body and parses it with `schema`: 400 for bad JSON, 413 when too large, 422 for bad fields. */
export async function readJsonBody<S extends z.ZodType>(request: Request, schema: S): Promise<z.output<S>> {
  const text = await request.text();
  if (Buffer.byteLength(text) > MAX_JSON_BODY_BYTES) {
    throw new ApiError("PayloadTooLarge", `The request body is larger than ${MAX_JSON_BODY_BYTES} bytes.`);
  }
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

export function json(body: unknown, status = 200): Response {
  return Response.json(body, { status });
}

export function noContent(): Response {
  return new Response(null, { status: 204 });
}
