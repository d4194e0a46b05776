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

/**
 * An import job's text/plain key list (POST /api/buckets/{bucket}/imports): any length, since it is
 * streamed into the database a batch at a time and never held (lib/imports/key-lines.ts).
 */
const IMPORTS_PATH = /^\/api\/buckets\/[^/]+\/imports$/;

export function isKeyListUpload(method: string | undefined, path: string, contentType: string | undefined): boolean {
  return method === "POST" && IMPORTS_PATH.test(path) && /^text\/plain\b/i.test(contentType ?? "");
}
