/**
 * Whether a request's body is still partly on the wire when its response goes out. After an
 * early answer (a refused signature, an oversized body, a bad Content-MD5) the handler has
 * stopped reading, or never started; on a keep-alive connection the rest of the body then
 * either blocks the next request (a body stream destroyed mid-read is never drained, so the
 * next request waits for the keep-alive timeout) or, if Node drains it, can be gigabytes read
 * for nothing. Such a response says `Connection: close` instead, and Node closes the
 * connection once it is sent.
 */
import type { IncomingMessage } from "node:http";

export function bodyLeftUnread(req: IncomingMessage): boolean {
  if (req.complete) return false;
  // A request without a body can be answered before the parser marks it complete.
  const length = req.headers["content-length"];
  return req.headers["transfer-encoding"] !== undefined || (length !== undefined && length !== "0");
}
