/**
 * The client side of SigV4 for S3, for this project's own tests, benchmarks and tools: sign a
 * request (Authorization header), presign a URL, and frame a body as aws-chunked (signed chunks
 * and trailer, or unsigned with a checksum trailer), the forms verifySigV4 and decodePayload
 * accept. Built from the same canonical pieces as the verifier; the tests also check them against
 * AWS's published examples and the AWS SDK's signer.
 */
import {
  ALGORITHM,
  EMPTY_SHA256,
  UNSIGNED_PAYLOAD,
  amzDate,
  canonicalRequest,
  canonicalTrailers,
  chunkStringToSign,
  credentialScope,
  deriveSigningKey,
  sha256Hex,
  signHex,
  stringToSign,
  trailerStringToSign,
  uriEncode,
} from "./canonical";
import type { ChunkSigningContext } from "./sigv4";

export interface SigningCredentials {
  accessKeyId: string;
  secretKey: string;
}

export interface RequestToSign {
  method: string;
  /** The path as it will go on the wire, percent-encoded. */
  rawPath: string;
  /** The query as it will go on the wire, without `?`. */
  rawQuery?: string;
  /** Header names in lower case; must include host. */
  headers: Record<string, string>;
}

export interface SignOptions {
  region: string;
  now?: Date;
  /** x-amz-content-sha256: a body's hex SHA-256, UNSIGNED-PAYLOAD or a STREAMING-… value. Default: the empty body's hash. */
  payloadHash?: string;
}

/**
 * Signs a request: returns its headers plus x-amz-date, x-amz-content-sha256 and authorization,
 * every header given being signed. `seedSignature` is the signature (the seed of aws-chunked bodies).
 */
export function signRequest(
  request: RequestToSign,
  credentials: SigningCredentials,
  options: SignOptions,
): { headers: Record<string, string>; seedSignature: string; chunkSigning: ChunkSigningContext } {
  const now = options.now ?? new Date();
  const date = amzDate(now);
  const headers: Record<string, string> = {
    ...request.headers,
    "x-amz-date": date,
    "x-amz-content-sha256": options.payloadHash ?? EMPTY_SHA256,
  };
  const signedHeaders = Object.keys(headers)
    .map((name) => name.toLowerCase())
    .sort();
  const scope = credentialScope(date.slice(0, 8), options.region);
  const canonical = canonicalRequest({
    method: request.method,
    rawPath: request.rawPath,
    rawQuery: request.rawQuery ?? "",
    headers,
    signedHeaders,
    payloadHash: headers["x-amz-content-sha256"]!,
  });
  const signingKey = deriveSigningKey(credentials.secretKey, date.slice(0, 8), options.region);
  const signature = signHex(signingKey, stringToSign(date, scope, canonical));
  headers.authorization = `${ALGORITHM} Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${signedHeaders.join(";")}, Signature=${signature}`;
  return { headers, seedSignature: signature, chunkSigning: { signingKey, amzDate: date, scope, seedSignature: signature } };
}

/**
 * A presigned URL's path and query (`/bucket/key?X-Amz-…`): valid for `expiresSeconds` from
 * `now`, signing host (and any other headers given, which the request must then carry).
 */
export function presignUrl(
  request: RequestToSign,
  credentials: SigningCredentials,
  options: { region: string; now?: Date; expiresSeconds: number },
): string {
  const now = options.now ?? new Date();
  const date = amzDate(now);
  const scope = credentialScope(date.slice(0, 8), options.region);
  const signedHeaders = Object.keys(request.headers)
    .map((name) => name.toLowerCase())
    .sort();
  const parameters = [
    `X-Amz-Algorithm=${ALGORITHM}`,
    `X-Amz-Credential=${uriEncode(`${credentials.accessKeyId}/${scope}`)}`,
    `X-Amz-Date=${date}`,
    `X-Amz-Expires=${options.expiresSeconds}`,
    `X-Amz-SignedHeaders=${uriEncode(signedHeaders.join(";"))}`,
  ];
  const rawQuery = [request.rawQuery ?? "", ...parameters].filter(Boolean).join("&");
  const canonical = canonicalRequest({
    method: request.method,
    rawPath: request.rawPath,
    rawQuery,
    headers: request.headers,
    signedHeaders,
    payloadHash: UNSIGNED_PAYLOAD,
  });
  const signature = signHex(deriveSigningKey(credentials.secretKey, date.slice(0, 8), options.region), stringToSign(date, scope, canonical));
  return `${request.rawPath}?${rawQuery}&X-Amz-Signature=${signature}`;
}

export interface ChunkedOptions {
  /** Sign every chunk and the trailer (STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER]); unsigned when absent. */
  signing?: ChunkSigningContext;
  /** A trailing header, e.g. ["x-amz-checksum-crc32", base64]. */
  trailer?: readonly [string, string];
}

/** Frames `chunks` (one aws-chunked chunk each, in order) as an aws-chunked body. */
export function encodeAwsChunked(chunks: readonly Buffer[], options: ChunkedOptions = {}): Buffer {
  const parts: Buffer[] = [];
  let previous = options.signing?.seedSignature ?? "";
  const extension = (data: Buffer) => {
    if (!options.signing) return "";
    const { signingKey, amzDate: date, scope } = options.signing;
    previous = signHex(signingKey, chunkStringToSign(date, scope, previous, sha256Hex(data)));
    return `;chunk-signature=${previous}`;
  };
  for (const chunk of chunks) {
    if (chunk.length === 0) continue;
    parts.push(Buffer.from(`${chunk.length.toString(16)}${extension(chunk)}\r\n`), chunk, Buffer.from("\r\n"));
  }
  parts.push(Buffer.from(`0${extension(Buffer.alloc(0))}\r\n`));
  if (options.trailer) {
    const [name, value] = options.trailer;
    parts.push(Buffer.from(`${name}:${value}\r\n`));
    if (options.signing) {
      const { signingKey, amzDate: date, scope } = options.signing;
      const signature = signHex(signingKey, trailerStringToSign(date, scope, previous, sha256Hex(canonicalTrailers([[name, value]]))));
      parts.push(Buffer.from(`x-amz-trailer-signature:${signature}\r\n`));
    }
  }
  parts.push(Buffer.from("\r\n"));
  return Buffer.concat(parts);
}
