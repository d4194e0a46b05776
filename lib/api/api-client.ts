/** The browser's client for the management API: JSON in, JSON out, errors as ApiRequestError. */
import type { ApiErrorBody, ApiErrorCode, FieldErrors } from "./api-error";

export class ApiRequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: ApiErrorCode | "NetworkError",
    message: string,
    readonly requestId?: string,
    readonly fieldErrors?: FieldErrors,
  ) {
    super(message);
    this.name = "ApiRequestError";
  }
}

/** `body` is sent as JSON; `text` as text/plain (a key list). */
export async function apiFetch<T>(path: string, init: { method?: string; body?: unknown; text?: string } = {}): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      method: init.method ?? "GET",
      headers: init.text !== undefined ? { "content-type": "text/plain; charset=utf-8" } : init.body === undefined ? undefined : { "content-type": "application/json" },
      body: init.text ?? (init.body === undefined ? undefined : JSON.stringify(init.body)),
    });
  } catch {
    throw new ApiRequestError(0, "NetworkError", "The server could not be reached. Check your connection and try again.");
  }
  if (response.status === 204) return undefined as T;
  const body: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    const error = (body ?? {}) as Partial<ApiErrorBody>;
    throw new ApiRequestError(
      response.status,
      error.code ?? "InternalError",
      error.message ?? `The server answered ${response.status}.`,
      error.requestId,
      error.fieldErrors,
    );
  }
  return body as T;
}
