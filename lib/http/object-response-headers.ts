/**
 * On every object-API response of every protocol (BOS and S3), errors included. Object bytes are
 * whatever a client uploaded or an origin sent (HTML, SVG, ...) and share an origin with the
 * console: `sandbox` gives the document a unique opaque origin, so its script (if any runs at all)
 * has no cookies, storage or same-origin access to /api; nosniff stops a browser from guessing a
 * scriptable type from the bytes.
 */
import type { ServerResponse } from "node:http";

export const OBJECT_RESPONSE_HEADERS: readonly (readonly [string, string])[] = [
  ["x-content-type-options", "nosniff"],
  ["content-security-policy", "sandbox; default-src 'none'; img-src 'self' data:; media-src 'self'; style-src 'unsafe-inline'"],
];

export function setObjectResponseHeaders(res: ServerResponse): void {
  for (const [name, value] of OBJECT_RESPONSE_HEADERS) res.setHeader(name, value);
}
