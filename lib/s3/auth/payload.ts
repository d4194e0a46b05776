/**
 * Decodes and checks an S3 request body while it streams, per the payload mode the signature
 * verifier found:
 *
 * - `signed`: the body's SHA-256 must equal x-amz-content-sha256 (XAmzContentSHA256Mismatch);
 * - `unsigned`: passed through;
 * - the three streaming modes: the `aws-chunked` framing (`size[;chunk-signature=…]\r\n data \r\n`
 *   … `0…\r\n`, trailing headers, `\r\n`) is taken off and never reaches the caller; for signed
 *   streaming every chunk's signature is checked against the chain from the request's signature,
 *   and so is the trailer signature;
 * - in every mode, an `x-amz-checksum-{crc32,crc32c,sha1,sha256}` header or trailer is checked
 *   (BadDigest), and so is the declared length (Content-Length, x-amz-decoded-content-length).
 *
 * A failure throws S3PayloadError at the point where it is found, and the last piece of the body
 * is held back until every check has passed: a caller that stores what it reads and commits only
 * once the iteration has finished never commits a bad body. Memory is bounded: data passes
 * through as slices of the buffers that came in, only framing lines are gathered (4 KiB at most
 * each), and chunks larger than 16 MiB are refused.
 */
import { timingSafeEqual, createHash, type Hash } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import { canonicalTrailers, chunkStringToSign, sha256Hex, signHex, trailerStringToSign } from "./canonical";
import {
  checksumAlgorithmOf,
  checksumHeader,
  createChecksum,
  decodeChecksumValue,
  type Checksum,
  type ChecksumAlgorithm,
} from "./checksums";
import type { S3Identity } from "./sigv4";

export type S3PayloadErrorCode = "BadDigest" | "XAmzContentSHA256Mismatch" | "SignatureDoesNotMatch" | "IncompleteBody" | "InvalidArgument";

export class S3PayloadError extends Error {
  constructor(
    readonly code: S3PayloadErrorCode,
    message: string,
    /** Extra elements for S3's error XML (e.g. ClientComputedContentSHA256, ExpectedDigest). */
    readonly details: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = "S3PayloadError";
  }
}

export interface DecodedBody {
  /** The object's bytes, framing removed; throws S3PayloadError where the body fails a check. */
  bytes: AsyncIterable<Buffer>;
  /**
   * After `bytes` has been consumed to its end: the checksums the client sent, all verified,
   * e.g. `{ "x-amz-checksum-crc32": "base64" }` (empty when it sent none).
   */
  checksums(): Record<string, string>;
}

/** The largest aws-chunked chunk accepted (SDKs send 64 KiB to 1 MiB). */
export const MAX_CHUNK_BYTES = 16 * 1024 * 1024;
/** The longest chunk-header or trailer line accepted, CRLF included. */
export const MAX_FRAMING_LINE_BYTES = 4096;
/** The most trailing headers accepted. */
export const MAX_TRAILERS = 16;

const SIGNATURE = /^[0-9a-f]{64}$/;
const TRAILER_SIGNATURE = "x-amz-trailer-signature";

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(",") : value;
}

function isStreaming(identity: S3Identity): boolean {
  return identity.payload.kind === "streaming-signed" || identity.payload.kind === "streaming-unsigned-trailer";
}

function hasTrailer(identity: S3Identity): boolean {
  const mode = identity.payload;
  return mode.kind === "streaming-unsigned-trailer" || (mode.kind === "streaming-signed" && mode.trailer);
}

function contentCodings(value: string | undefined): string[] {
  return value === undefined ? [] : value.split(",").map((coding) => coding.trim().toLowerCase()).filter(Boolean);
}

/**
 * The Content-Encoding to store with the object: the request's, without `aws-chunked` (which
 * describes the upload's framing, not the object); undefined when nothing else is left.
 */
export function storedContentEncoding(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const kept = value
    .split(",")
    .map((coding) => coding.trim())
    .filter((coding) => coding !== "" && coding.toLowerCase() !== "aws-chunked");
  return kept.length > 0 ? kept.join(",") : undefined;
}

function parseLength(value: string | undefined, name: string): number | null {
  if (value === undefined) return null;
  const text = value.trim();
  if (!/^\d{1,15}$/.test(text)) throw new S3PayloadError("InvalidArgument", `${name} must be a whole number of bytes, not "${text.slice(0, 40)}".`);
  return Number(text);
}

/**
 * The size of the object the body will decode to, when the request says it: Content-Length for
 * plain bodies, x-amz-decoded-content-length for aws-chunked ones; null when unknown (a streamed
 * body without x-amz-decoded-content-length). decodePayload enforces it.
 */
export function declaredObjectSize(headers: IncomingHttpHeaders, identity: S3Identity): number | null {
  return isStreaming(identity)
    ? parseLength(header(headers, "x-amz-decoded-content-length"), "x-amz-decoded-content-length")
    : parseLength(header(headers, "content-length"), "Content-Length");
}

interface ExpectedChecksum {
  algorithm: ChecksumAlgorithm;
  checksum: Checksum;
  /** The value from the header; for a trailer, filled in when the trailer arrives. */
  expected: Buffer | null;
  sent: string | null;
  from: "header" | "trailer";
}

/** The x-amz-checksum-* header and x-amz-trailer declarations, checked before any byte is read. */
function expectedChecksum(headers: IncomingHttpHeaders, identity: S3Identity): ExpectedChecksum | null {
  const found: ExpectedChecksum[] = [];
  for (const name of Object.keys(headers)) {
    const lower = name.toLowerCase();
    if (!/^x-amz-checksum-(crc32|crc32c|crc64nvme|sha1|sha256)$/.test(lower)) continue;
    const algorithm = checksumAlgorithmOf(lower);
    if (!algorithm) throw new S3PayloadError("InvalidArgument", `${lower} is not supported: use CRC32, CRC32C, SHA1 or SHA256.`);
    const value = header(headers, name)!;
    const expected = decodeChecksumValue(algorithm, value);
    if (!expected) throw new S3PayloadError("InvalidArgument", `Value for ${lower} header is invalid.`);
    found.push({ algorithm, checksum: createChecksum(algorithm), expected, sent: value.trim(), from: "header" });
  }

  const declared = contentCodings(header(headers, "x-amz-trailer"));
  if (declared.length > 0 && !hasTrailer(identity)) {
    throw new S3PayloadError("InvalidArgument", "x-amz-trailer needs x-amz-content-sha256 STREAMING-UNSIGNED-PAYLOAD-TRAILER or STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER.");
  }
  for (const name of declared) {
    const algorithm = checksumAlgorithmOf(name);
    if (!algorithm) throw new S3PayloadError("InvalidArgument", `The trailing header ${name} is not supported: only x-amz-checksum-crc32, -crc32c, -sha1 and -sha256.`);
    found.push({ algorithm, checksum: createChecksum(algorithm), expected: null, sent: null, from: "trailer" });
  }
  if (found.length > 1) throw new S3PayloadError("InvalidArgument", "Expecting a single x-amz-checksum- header (or trailer); multiple checksum types are not allowed.");
  return found[0] ?? null;
}

/**
 * The raw body, aws-chunked framing removed, every chunk (and the trailer) checked as it ends.
 * Calls `onTrailers` with the trailing headers once the body has ended well.
 */
async function* awsChunked(
  body: AsyncIterable<Buffer>,
  identity: S3Identity,
  declaredTrailer: string | null,
  onData: (slice: Buffer) => void,
  onTrailers: (trailers: Map<string, string>) => void,
): AsyncGenerator<Buffer> {
  const signed = identity.payload.kind === "streaming-signed";
  const trailerMode = hasTrailer(identity);
  const chain = identity.chunkSigning;
  let previousSignature = chain.seedSignature;

  type State = "header" | "data" | "data-cr" | "data-lf" | "trailer" | "done";
  let state = "header" as State;
  let lineParts: Buffer[] = [];
  let lineLength = 0;
  let remaining = 0;
  let chunkSignature = "";
  let chunkHash = null as Hash | null;
  const trailers = new Map<string, string>();
  let blankSkipped = false;

  const malformed = (what: string) => new S3PayloadError("InvalidArgument", `The aws-chunked body is malformed: ${what}.`);

  const verifyChunk = (dataSha256: string) => {
    if (!signed) return;
    const expected = signHex(chain.signingKey, chunkStringToSign(chain.amzDate, chain.scope, previousSignature, dataSha256));
    if (!timingSafeEqual(Buffer.from(expected, "hex"), Buffer.from(chunkSignature, "hex"))) {
      throw new S3PayloadError("SignatureDoesNotMatch", "The signature of a chunk of the body does not match: the chunk or its signature was changed.");
    }
    previousSignature = chunkSignature;
  };

  const chunkHeader = (text: string) => {
    const semicolon = text.indexOf(";");
    const sizeText = semicolon < 0 ? text : text.slice(0, semicolon);
    if (!/^[0-9a-fA-F]{1,8}$/.test(sizeText)) throw malformed(`"${text.slice(0, 40)}" is not a chunk header`);
    const size = parseInt(sizeText, 16);
    if (size > MAX_CHUNK_BYTES) throw new S3PayloadError("InvalidArgument", `A chunk of ${size} bytes is over the limit of ${MAX_CHUNK_BYTES} bytes.`);
    chunkSignature = "";
    if (semicolon >= 0) {
      for (const extension of text.slice(semicolon + 1).split(";")) {
        const cut = extension.indexOf("=");
        if (cut > 0 && extension.slice(0, cut).trim() === "chunk-signature") chunkSignature = extension.slice(cut + 1).trim().toLowerCase();
      }
    }
    if (signed && !SIGNATURE.test(chunkSignature)) {
      throw new S3PayloadError("SignatureDoesNotMatch", "A chunk of the body has no valid chunk-signature, which STREAMING-AWS4-HMAC-SHA256-PAYLOAD requires.");
    }
    if (size === 0) {
      verifyChunk(sha256Hex(""));
      state = "trailer";
    } else {
      remaining = size;
      chunkHash = signed ? createHash("sha256") : null;
      state = "data";
    }
  };

  const finish = () => {
    const signature = trailers.get(TRAILER_SIGNATURE);
    trailers.delete(TRAILER_SIGNATURE);
    for (const name of trailers.keys()) {
      if (name !== declaredTrailer) throw new S3PayloadError("InvalidArgument", `The body has a trailing header ${name} that x-amz-trailer did not declare.`);
    }
    if (declaredTrailer !== null && !trailers.has(declaredTrailer)) {
      throw new S3PayloadError("IncompleteBody", `The body ended without the trailing header ${declaredTrailer} that x-amz-trailer declared.`);
    }
    if (signed && trailerMode && (signature !== undefined || trailers.size > 0)) {
      if (signature === undefined || !SIGNATURE.test(signature)) {
        throw new S3PayloadError("SignatureDoesNotMatch", "The trailing headers have no valid x-amz-trailer-signature.");
      }
      const canonical = canonicalTrailers([...trailers.entries()]);
      const expected = signHex(chain.signingKey, trailerStringToSign(chain.amzDate, chain.scope, previousSignature, sha256Hex(canonical)));
      if (!timingSafeEqual(Buffer.from(expected, "hex"), Buffer.from(signature, "hex"))) {
        throw new S3PayloadError("SignatureDoesNotMatch", "The signature of the trailing headers does not match: a trailer or its signature was changed.");
      }
    }
    onTrailers(trailers);
  };

  const trailerLine = (text: string) => {
    if (text === "") {
      // Some clients end the empty last chunk with its own CRLF before the trailers.
      if (declaredTrailer !== null && trailers.size === 0 && !blankSkipped) {
        blankSkipped = true;
        return;
      }
      finish();
      state = "done";
      return;
    }
    if (!trailerMode) throw malformed("trailing headers follow the last chunk, but the payload mode has no trailer");
    const colon = text.indexOf(":");
    if (colon <= 0) throw malformed(`"${text.slice(0, 40)}" is not a trailing header`);
    const name = text.slice(0, colon).trim().toLowerCase();
    if (trailers.has(name)) throw malformed(`the trailing header ${name} appears twice`);
    if (trailers.size >= MAX_TRAILERS) throw malformed(`more than ${MAX_TRAILERS} trailing headers`);
    trailers.set(name, text.slice(colon + 1).trim());
  };

  for await (const input of body) {
    let position = 0;
    while (position < input.length) {
      if (state === "data") {
        const take = Math.min(remaining, input.length - position);
        const slice = input.subarray(position, position + take);
        position += take;
        remaining -= take;
        chunkHash?.update(slice);
        onData(slice);
        yield slice;
        if (remaining === 0) {
          if (chunkHash) verifyChunk(chunkHash.digest("hex"));
          state = "data-cr";
        }
      } else if (state === "data-cr" || state === "data-lf") {
        const expected = state === "data-cr" ? 0x0d : 0x0a;
        if (input[position] !== expected) throw malformed("a chunk's data is not followed by CRLF (its size does not match its data)");
        position += 1;
        state = state === "data-cr" ? "data-lf" : "header";
      } else if (state === "header" || state === "trailer") {
        const newline = input.indexOf(0x0a, position);
        const end = newline < 0 ? input.length : newline + 1;
        lineParts.push(input.subarray(position, end));
        lineLength += end - position;
        position = end;
        if (lineLength > MAX_FRAMING_LINE_BYTES) {
          throw malformed(`a ${state === "header" ? "chunk header" : "trailing header"} line is longer than ${MAX_FRAMING_LINE_BYTES} bytes`);
        }
        if (newline < 0) continue;
        const line = lineParts.length === 1 ? lineParts[0]! : Buffer.concat(lineParts, lineLength);
        lineParts = [];
        lineLength = 0;
        if (line.length < 2 || line[line.length - 2] !== 0x0d) throw malformed("a line does not end in CRLF");
        const text = line.toString("latin1", 0, line.length - 2);
        if (state === "header") chunkHeader(text);
        else trailerLine(text);
      } else {
        throw malformed("data follows the end of the body");
      }
    }
  }

  if (state === "trailer" && lineLength === 0) {
    // The body may end without the final blank line (an SDK sends "0\r\n" and nothing more when it
    // has no trailer); everything it carried has been read and is checked as usual.
    finish();
    state = "done";
  }
  if (state !== "done") throw new S3PayloadError("IncompleteBody", "The body ended before its aws-chunked framing did: the request was cut short.");
}

/**
 * Decodes the request body per the identity's payload mode (see the file's comment). Problems
 * the headers show (an aws-chunked Content-Encoding on a body that is not streamed, malformed
 * x-amz-checksum-* values or x-amz-trailer, bad lengths) throw S3PayloadError right away;
 * problems in the body throw from `bytes` where they are found.
 */
export function decodePayload(body: AsyncIterable<Buffer>, identity: S3Identity, headers: IncomingHttpHeaders): DecodedBody {
  const streaming = isStreaming(identity);
  if (!streaming && contentCodings(header(headers, "content-encoding")).includes("aws-chunked")) {
    throw new S3PayloadError(
      "InvalidArgument",
      "Content-Encoding aws-chunked needs x-amz-content-sha256 STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER] or STREAMING-UNSIGNED-PAYLOAD-TRAILER.",
    );
  }
  const checksum = expectedChecksum(headers, identity);
  const declaredLength = declaredObjectSize(headers, identity);
  const sha256 = identity.payload.kind === "signed" ? createHash("sha256") : null;
  let total = 0;
  let verified: Record<string, string> | null = null;

  const onData = (slice: Buffer) => {
    total += slice.length;
    if (declaredLength !== null && total > declaredLength) {
      throw new S3PayloadError(
        "InvalidArgument",
        `The body is longer than the ${streaming ? "x-amz-decoded-content-length" : "Content-Length"} of ${declaredLength} bytes it declared.`,
      );
    }
    checksum?.checksum.update(slice);
    sha256?.update(slice);
  };

  let trailerValues: Map<string, string> | null = null;
  const finalChecks = () => {
    if (declaredLength !== null && total !== declaredLength) {
      throw new S3PayloadError("IncompleteBody", `The body ended after ${total} of the ${declaredLength} bytes it declared.`);
    }
    if (sha256 && identity.payload.kind === "signed") {
      const computed = sha256.digest("hex");
      if (computed !== identity.payload.sha256) {
        throw new S3PayloadError("XAmzContentSHA256Mismatch", "The provided 'x-amz-content-sha256' header does not match what was computed.", {
          ClientComputedContentSHA256: identity.payload.sha256,
          S3ComputedContentSHA256: computed,
        });
      }
    }
    const result: Record<string, string> = {};
    if (checksum) {
      const name = checksumHeader(checksum.algorithm);
      if (checksum.from === "trailer") {
        const value = trailerValues?.get(name);
        const expected = value === undefined ? null : decodeChecksumValue(checksum.algorithm, value);
        if (!expected) throw new S3PayloadError("InvalidArgument", `Value for the ${name} trailer is invalid.`);
        checksum.expected = expected;
        checksum.sent = value!.trim();
      }
      const computed = checksum.checksum.digest();
      if (!computed.equals(checksum.expected!)) {
        throw new S3PayloadError("BadDigest", `The ${checksum.algorithm.toUpperCase()} you specified did not match the calculated checksum.`, {
          [`Computed${checksum.algorithm.toUpperCase()}`]: computed.toString("base64"),
          [`Expected${checksum.algorithm.toUpperCase()}`]: checksum.sent!,
        });
      }
      result[name] = computed.toString("base64");
    }
    verified = result;
  };

  async function* plain(): AsyncGenerator<Buffer> {
    for await (const piece of body) {
      onData(piece);
      yield piece;
    }
  }

  async function* bytes(): AsyncGenerator<Buffer> {
    const source = streaming
      ? awsChunked(body, identity, checksum?.from === "trailer" ? checksumHeader(checksum.algorithm) : null, onData, (trailers) => {
          trailerValues = trailers;
        })
      : plain();
    // One piece is always held back, so the last byte goes out only after every check passed.
    let held: Buffer | null = null;
    for await (const piece of source) {
      if (piece.length === 0) continue;
      if (held) yield held;
      held = piece;
    }
    finalChecks();
    if (held) yield held;
  }

  return {
    bytes: bytes(),
    checksums() {
      if (verified === null) throw new Error("checksums() is known only once the body has been read to its end.");
      return { ...verified };
    },
  };
}

