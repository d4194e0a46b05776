/**
 * The largest request body the management API reads (every body is a small JSON document).
 * Pure, so server.ts refuses a larger declared Content-Length before Next sees the request, and
 * readJsonBody stops a larger streamed body at the same size.
 */
export const MAX_JSON_BODY_BYTES = 1024 * 1024;
