/**
 * Request ids (x-bce-request-id, x-amz-request-id, x-request-id, and the access line's requestId):
 * random version-4 UUIDs, as crypto.randomUUID() makes them, but made as one flat string.
 * A RequestId is ASCII text that JSON carries as it is, so the access line writes it without a
 * check, and its bytes are its characters.
 * randomUUID() builds its text by concatenating two-digit pieces, a rope V8 walks piece by piece
 * wherever the id is used: every character the access line checks and every flattening of the
 * response's header block and of the access line (callgrind: ~2,000 instructions a request more
 * than a flat id; bench/telemetry-instructions.ts).
 */
import { randomFillSync } from "node:crypto";

const UUID_BYTES = 16;
/** Random bytes for 256 ids, filled again when used up (randomUUID() keeps such a cache too). */
const random = Buffer.alloc(UUID_BYTES * 256);
let used = random.length;
const text = Buffer.alloc(36);
const HEX = Buffer.from("0123456789abcdef", "latin1");

declare const plainJson: unique symbol;
/** ASCII text that JSON carries as it is: no quote, backslash or control character. */
export type RequestId = string & { readonly [plainJson]: true };

export function newRequestId(): RequestId {
  if (used === random.length) {
    randomFillSync(random);
    used = 0;
  }
  let at = 0;
  for (let i = 0; i < UUID_BYTES; i++) {
    if (i === 4 || i === 6 || i === 8 || i === 10) text[at++] = 0x2d; // "-"
    let byte = random[used + i]!;
    if (i === 6) byte = (byte & 0x0f) | 0x40; // version 4
    else if (i === 8) byte = (byte & 0x3f) | 0x80; // the RFC 9562 variant
    text[at++] = HEX[byte >> 4]!;
    text[at++] = HEX[byte & 0x0f]!;
  }
  used += UUID_BYTES;
  return text.toString("latin1") as RequestId;
}

/**
 * A request id made elsewhere (the management API's x-request-id, set by its route handlers): as it
 * is when it is ASCII that JSON carries so, else in its escaped form, characters beyond ASCII as
 * `\uXXXX` too (which reads back as the text itself).
 */
export function requestIdFrom(text: string): RequestId {
  const json = JSON.stringify(text);
  if (json.length === text.length + 2 && /^[\x00-\x7f]*$/.test(text)) return text as RequestId;
  return json.slice(1, -1).replace(/[^\x00-\x7f]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`) as RequestId;
}
