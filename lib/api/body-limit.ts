/**
 * The largest request body the management API reads (every body but an object upload is a small
 * JSON document).
 * Pure, so server.ts refuses a larger declared Content-Length before Next sees the request, and
 * readJsonBody stops a larger streamed body at the same size.
 */
export const MAX_JSON_BODY_BYTES = 1024 * 1024;

/**
 * The one management-API request with a large body: an object's bytes, uploaded from the console
 * (PUT /api/buckets/{bucket}/objects/content?key=…), limited by MAX_OBJECT_SIZE instead.
 */
const OBJECT_UPLOAD_PATH = /^\/api\/buckets\/[^/]+\/objects\/content$/;

export function isObjectUpload(method: string | undefined, path: string): boolean {
  return method === "PUT" && OBJECT_UPLOAD_PATH.test(path);
}
