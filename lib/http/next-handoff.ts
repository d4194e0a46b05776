/**
 * What server.ts does to each request before handing it to Next (the console and /api): what
 * must be settled before Next reads any of it.
 * - It says who the client is, and whether it came over HTTPS, in internal headers that only this
 *   server writes (a client's own copies are deleted first): the socket's peer and protocol, or
 *   what TRUST_PROXY's proxies forwarded.
 * - It refuses a body declared larger than the API ever reads (413) before any of it is read:
 *   1 MiB of JSON, or for the console's object upload MAX_OBJECT_SIZE; an import's text/plain key
 *   list has no limit (it is streamed into the database). The app has no server actions, so this
 *   holds for every path.
 * - It refuses an /api path whose percent-escapes do not decode with 400 in the API's JSON error
 *   shape (issue 7 found Next answering it with a 500). Console pages keep Next's own answer.
 */
import { newRequestId } from "@/lib/observability/request-id";
import type { IncomingMessage, ServerResponse } from "node:http";
import { API_ERROR_STATUS, type ApiErrorBody, type ApiErrorCode } from "@/lib/api/api-error";
import { MAX_JSON_BODY_BYTES, isKeyListUpload, isObjectUpload } from "@/lib/api/body-limit";
import { CLIENT_ADDRESS_HEADER, CLIENT_PROTOCOL_HEADER, clientAddress, clientProtocol, type TrustProxy } from "./client-address";
import { bodyLeftUnread } from "./unread-body";

/** The path of a request target, in origin form (`/a?b`) or absolute form (`http://h/a?b`), still encoded. */
function rawPath(url: string): string {
  return /^(?:[a-z][a-z0-9+.-]*:\/\/[^/?#]*)?([^?#]*)/i.exec(url)![1]!;
}

function decodes(path: string): boolean {
  try {
    decodeURIComponent(path);
    return true;
  } catch {
    return false;
  }
}

function refuse(req: IncomingMessage, res: ServerResponse, code: ApiErrorCode, message: string): void {
  const requestId = newRequestId();
  const body = Buffer.from(JSON.stringify({ code, message, requestId } satisfies ApiErrorBody));
  const headers: Record<string, string | number> = { "content-type": "application/json", "content-length": body.length, "x-request-id": requestId };
  // The body is not read: close the connection after answering instead of draining it.
  if (bodyLeftUnread(req)) headers.connection = "close";
  res.writeHead(API_ERROR_STATUS[code], headers).end(body);
}

export interface AdmissionLimits {
  trustProxy: TrustProxy;
  /** MAX_OBJECT_SIZE: the largest object upload. */
  maxObjectSize: number;
}

/** Prepares `req` for Next; false when it has already answered (and Next must not see the request). */
export function admitToNext(req: IncomingMessage, res: ServerResponse, { trustProxy, maxObjectSize }: AdmissionLimits): boolean {
  delete req.headers[CLIENT_ADDRESS_HEADER];
  req.headers[CLIENT_ADDRESS_HEADER] = clientAddress(req.socket.remoteAddress, req.headers["x-forwarded-for"], trustProxy);
  const encrypted = "encrypted" in req.socket && req.socket.encrypted === true;
  req.headers[CLIENT_PROTOCOL_HEADER] = clientProtocol(encrypted, req.socket.remoteAddress, req.headers["x-forwarded-proto"], trustProxy);

  const path = rawPath(req.url ?? "/");
  const declared = req.headers["content-length"];
  const upload = isObjectUpload(req.method, path);
  const unlimited = isKeyListUpload(req.method, path, req.headers["content-type"]);
  if (!unlimited && declared !== undefined && Number(declared) > (upload ? maxObjectSize : MAX_JSON_BODY_BYTES)) {
    // The upload's words are the object service's own (EntityTooLarge), so both refusals read alike.
    const message = upload ? `The object is larger than the ${maxObjectSize}-byte limit.` : `The request body is larger than ${MAX_JSON_BODY_BYTES} bytes.`;
    refuse(req, res, "PayloadTooLarge", message);
    return false;
  }
  if ((path === "/api" || path.startsWith("/api/")) && !decodes(path)) {
    refuse(req, res, "MalformedUrl", "The request path has a malformed percent-escape (% must be followed by two hex digits of valid UTF-8).");
    return false;
  }
  return true;
}
