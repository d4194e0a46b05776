import { createHash, randomBytes } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import { describe, expect, it } from "vitest";
import { chunkStringToSign, sha256Hex, signHex } from "./canonical";
import { createChecksum, type ChecksumAlgorithm } from "./checksums";
import { MAX_CHUNK_BYTES, S3PayloadError, decodePayload, declaredObjectSize, storedContentEncoding } from "./payload";
import { encodeAwsChunked, signRequest } from "./sign";
import { verifySigV4, type S3Identity } from "./sigv4";

const DOC_KEY = "AKIAIOSFODNN7EXAMPLE";
const DOC_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
const DOC_TIME = new Date("2013-05-24T00:00:00Z");
const secrets: Record<string, string> = { [DOC_KEY]: DOC_SECRET, AKTEST: "test-secret" };
const lookup = async (accessKeyId: string) => secrets[accessKeyId] ?? null;

/** Splits a body into pieces of the given sizes (repeating the list), as a socket might deliver it. */
async function* pieces(body: Buffer, sizes: number[] = [body.length || 1]): AsyncGenerator<Buffer> {
  let position = 0;
  for (let i = 0; position < body.length; i++) {
    const size = sizes[i % sizes.length]!;
    yield body.subarray(position, position + size);
    position += size;
  }
}

/** Reads a decoded body to its end: the bytes that came out, and the error that stopped it. */
async function drain(bytes: AsyncIterable<Buffer>): Promise<{ data: Buffer; error: S3PayloadError | null }> {
  const out: Buffer[] = [];
  try {
    for await (const piece of bytes) out.push(Buffer.from(piece));
  } catch (error) {
    if (!(error instanceof S3PayloadError)) throw error;
    return { data: Buffer.concat(out), error };
  }
  return { data: Buffer.concat(out), error: null };
}

const doc = {
  seed: "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9",
  chunks: [
    "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648",
    "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497",
    "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9",
  ],
  trailerSeed: "106e2a8a18243abcf37539882f36619c00e2dfc72633413f02d3b74544bfeb8e",
  trailerChunks: [
    "b474d8862b1487a5145d686f57f013e54db672cee1c953b3010fb58501ef5aa2",
    "1c1344b170168f8e65b41376b44b20fe354e373826ccbbe2c1d40a8cae51e5c7",
    "2ca2aba2005185cf7159c6277faf83795951dd77a3a99e6e65d5c9f85863f992",
  ],
  trailerSignature: "d81f82fc3505edab99d459891051a732e8730629a2e4a59689829ca17fe2e435",
};
const OBJECT = Buffer.alloc(66560, "a");

/** The body of the S3 documentation's chunked upload: 64 KiB and 1 KiB of "a", then the empty chunk. */
function docBody(signatures: string[], trailer?: string): Buffer {
  const head = (size: number, signature: string) => Buffer.from(`${size.toString(16)};chunk-signature=${signature}\r\n`);
  return Buffer.concat([
    head(65536, signatures[0]!),
    Buffer.alloc(65536, "a"),
    Buffer.from("\r\n"),
    head(1024, signatures[1]!),
    Buffer.alloc(1024, "a"),
    Buffer.from("\r\n"),
    head(0, signatures[2]!),
    Buffer.from(trailer ?? ""),
    Buffer.from("\r\n"),
  ]);
}

/**
 * "Signature Calculations for the Authorization Header: Transferring Payload in Multiple Chunks"
 * and its trailing-header sequel, in the S3 API reference: PUT examplebucket/chunkObject.txt.
 */
async function docIdentity(trailer: boolean): Promise<{ identity: S3Identity; headers: IncomingHttpHeaders }> {
  const headers: IncomingHttpHeaders = {
    host: "s3.amazonaws.com",
    "x-amz-date": "20130524T000000Z",
    "x-amz-storage-class": "REDUCED_REDUNDANCY",
    "x-amz-content-sha256": trailer ? "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER" : "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
    "content-encoding": "aws-chunked",
    "x-amz-decoded-content-length": "66560",
    "content-length": "66824",
    ...(trailer ? { "x-amz-trailer": "x-amz-checksum-crc32c" } : {}),
  };
  const signedHeaders = trailer
    ? "content-encoding;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class;x-amz-trailer"
    : "content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class";
  headers.authorization = `AWS4-HMAC-SHA256 Credential=${DOC_KEY}/20130524/us-east-1/s3/aws4_request,SignedHeaders=${signedHeaders},Signature=${trailer ? doc.trailerSeed : doc.seed}`;
  const identity = await verifySigV4({ method: "PUT", rawPath: "/examplebucket/chunkObject.txt", rawQuery: "", headers }, lookup, {
    region: "us-east-1",
    now: DOC_TIME,
  });
  return { identity, headers };
}

describe("the S3 documentation's chunked upload (STREAMING-AWS4-HMAC-SHA256-PAYLOAD)", () => {
  it("has the documented Content-Length, and decodes to the object, however the body is split", async () => {
    const { identity, headers } = await docIdentity(false);
    expect(identity.payload).toEqual({ kind: "streaming-signed", trailer: false });
    const body = docBody(doc.chunks);
    expect(body.length).toBe(66824);
    for (const sizes of [[body.length], [1], [2, 3, 5, 7, 11, 13], [65536 + 86], [86, 65535], [100_000], [4096]]) {
      const decoded = decodePayload(pieces(body, sizes), identity, headers);
      const { data, error } = await drain(decoded.bytes);
      expect(error).toBeNull();
      expect(data.equals(OBJECT)).toBe(true);
      expect(decoded.checksums()).toEqual({});
    }
  });

  it("refuses a flipped byte in a chunk, before the object's last byte comes out", async () => {
    const { identity, headers } = await docIdentity(false);
    for (const position of [200, 65626 + 90, 66823 - 100]) {
      const body = docBody(doc.chunks);
      body[position] = 0x62;
      const { data, error } = await drain(decodePayload(pieces(body, [4096]), identity, headers).bytes);
      expect(error?.code).toBe("SignatureDoesNotMatch");
      expect(data.length).toBeLessThan(OBJECT.length);
    }
  });

  it("refuses a wrong, missing, or reordered chunk signature", async () => {
    const { identity, headers } = await docIdentity(false);
    const wrong = [...doc.chunks];
    wrong[1] = wrong[1]!.replace(/^00/, "01");
    const cases = [
      docBody(wrong),
      docBody([doc.chunks[0]!, doc.chunks[2]!, doc.chunks[1]!]),
      Buffer.from(docBody(doc.chunks).toString("latin1").replace(`;chunk-signature=${doc.chunks[2]}`, ""), "latin1"),
      docBody([doc.chunks[0]!, doc.chunks[1]!, "0".repeat(64)]),
    ];
    for (const body of cases) {
      const { data, error } = await drain(decodePayload(pieces(body, [1000]), identity, headers).bytes);
      expect(error?.code).toBe("SignatureDoesNotMatch");
      expect(data.length).toBeLessThan(OBJECT.length);
    }
  });

  it("refuses a body cut short, a chunk dropped, or a body of another length", async () => {
    const { identity, headers } = await docIdentity(false);
    const body = docBody(doc.chunks);
    for (const cut of [10, 65626, 66000, 66824 - 86]) {
      const { error } = await drain(decodePayload(pieces(body.subarray(0, cut), [777]), identity, headers).bytes);
      expect(error?.code).toBe("IncompleteBody");
    }
    // The first chunk removed: the second's signature no longer chains from the seed.
    const dropped = body.subarray(65626);
    expect((await drain(decodePayload(pieces(dropped), identity, headers).bytes)).error?.code).toBe("SignatureDoesNotMatch");
  });

  it("accepts a body without the final blank line, and refuses bytes after the end", async () => {
    const { identity, headers } = await docIdentity(false);
    const body = docBody(doc.chunks);
    expect((await drain(decodePayload(pieces(body.subarray(0, body.length - 2)), identity, headers).bytes)).error).toBeNull();
    const extra = Buffer.concat([body, Buffer.from("x")]);
    expect((await drain(decodePayload(pieces(extra), identity, headers).bytes)).error?.code).toBe("InvalidArgument");
  });
});

describe("the S3 documentation's chunked upload with a trailing checksum (STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER)", () => {
  const trailer = `x-amz-checksum-crc32c:sOO8/Q==\r\nx-amz-trailer-signature:${doc.trailerSignature}\r\n`;

  it("decodes, and gives the verified CRC32C", async () => {
    const { identity, headers } = await docIdentity(true);
    expect(identity.payload).toEqual({ kind: "streaming-signed", trailer: true });
    for (const sizes of [[1], [3, 1000], [70000]]) {
      const decoded = decodePayload(pieces(docBody(doc.trailerChunks, trailer), sizes), identity, headers);
      const { data, error } = await drain(decoded.bytes);
      expect(error).toBeNull();
      expect(data.equals(OBJECT)).toBe(true);
      expect(decoded.checksums()).toEqual({ "x-amz-checksum-crc32c": "sOO8/Q==" });
    }
  });

  it("also the form with a blank line between the last chunk and the trailers", async () => {
    const { identity, headers } = await docIdentity(true);
    const { data, error } = await drain(decodePayload(pieces(docBody(doc.trailerChunks, `\r\n${trailer}`)), identity, headers).bytes);
    expect(error).toBeNull();
    expect(data.length).toBe(66560);
  });

  it("refuses a changed trailer, a missing trailer signature, a missing trailer", async () => {
    const { identity, headers } = await docIdentity(true);
    const changed = trailer.replace("sOO8/Q==", "sOO8/A==");
    const unsigned = "x-amz-checksum-crc32c:sOO8/Q==\r\n";
    for (const [body, code] of [
      [docBody(doc.trailerChunks, changed), "SignatureDoesNotMatch"],
      [docBody(doc.trailerChunks, unsigned), "SignatureDoesNotMatch"],
      [docBody(doc.trailerChunks), "IncompleteBody"],
    ] as const) {
      const { data, error } = await drain(decodePayload(pieces(body, [5000]), identity, headers).bytes);
      expect(error?.code).toBe(code);
      expect(data.length).toBeLessThan(OBJECT.length);
    }
  });
});

/** A request signed by this module's signer, its identity, and the signing context for framing its body. */
async function signedUpload(payloadHash: string, extra: Record<string, string> = {}) {
  const now = new Date("2026-03-01T12:00:00Z");
  const signed = signRequest(
    { method: "PUT", rawPath: "/bucket/key", headers: { host: "s3.test", ...extra } },
    { accessKeyId: "AKTEST", secretKey: "test-secret" },
    { region: "us-east-1", now, payloadHash },
  );
  const identity = await verifySigV4({ method: "PUT", rawPath: "/bucket/key", rawQuery: "", headers: signed.headers }, lookup, { region: "us-east-1", now });
  return { identity, headers: signed.headers as IncomingHttpHeaders, signing: signed.chunkSigning };
}

const checksumOf = (algorithm: ChecksumAlgorithm, data: Buffer) => {
  const checksum = createChecksum(algorithm);
  checksum.update(data);
  return checksum.digest().toString("base64");
};

describe("signed streaming bodies made by the signer", () => {
  it("many chunks, every trailer checksum, split at random", async () => {
    const data = randomBytes(300_000);
    const chunks = [data.subarray(0, 65536), data.subarray(65536, 65537), data.subarray(65537, 200_000), data.subarray(200_000)];
    for (const algorithm of ["crc32", "crc32c", "sha1", "sha256"] as const) {
      const name = `x-amz-checksum-${algorithm}`;
      const { identity, headers, signing } = await signedUpload("STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER", {
        "x-amz-trailer": name,
        "x-amz-decoded-content-length": String(data.length),
        "content-encoding": "aws-chunked",
      });
      const body = encodeAwsChunked(chunks, { signing, trailer: [name, checksumOf(algorithm, data)] });
      const sizes = Array.from({ length: 50 }, () => 1 + Math.floor(Math.random() * 9000));
      const decoded = decodePayload(pieces(body, sizes), identity, headers);
      const { data: out, error } = await drain(decoded.bytes);
      expect(error).toBeNull();
      expect(out.equals(data)).toBe(true);
      expect(decoded.checksums()).toEqual({ [name]: checksumOf(algorithm, data) });
    }
  });

  it("a wrong trailer checksum under a valid trailer signature is BadDigest", async () => {
    const data = Buffer.from("hello, world");
    const { identity, headers, signing } = await signedUpload("STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER", { "x-amz-trailer": "x-amz-checksum-crc32" });
    const body = encodeAwsChunked([data], { signing, trailer: ["x-amz-checksum-crc32", checksumOf("crc32", Buffer.from("hello, world!"))] });
    const { data: out, error } = await drain(decodePayload(pieces(body, [1]), identity, headers).bytes);
    expect(error?.code).toBe("BadDigest");
    expect(out.length).toBeLessThan(data.length);
  });

  it("a chunk over 16 MiB, an over-long or malformed chunk header, a size that does not match the data", async () => {
    const { identity, headers } = await signedUpload("STREAMING-AWS4-HMAC-SHA256-PAYLOAD");
    const signature = "0".repeat(64);
    const bodies = [
      `${(MAX_CHUNK_BYTES + 1).toString(16)};chunk-signature=${signature}\r\n`,
      `10;chunk-signature=${signature}${";x=y".repeat(2000)}\r\n`,
      `10;chunk-signature=${signature}`.padEnd(5000, "0"),
      `zz;chunk-signature=${signature}\r\n`,
      `-1;chunk-signature=${signature}\r\n`,
      `5;chunk-signature=${signature}\n`,
    ];
    for (const body of bodies) {
      const { error } = await drain(decodePayload(pieces(Buffer.from(body), [7]), identity, headers).bytes);
      expect(error?.code).toBe("InvalidArgument");
    }
  });
});

describe("STREAMING-UNSIGNED-PAYLOAD-TRAILER, as the AWS SDKs and CLI send it", () => {
  const unsigned = (extra: Record<string, string> = {}) =>
    signedUpload("STREAMING-UNSIGNED-PAYLOAD-TRAILER", { "content-encoding": "aws-chunked", "x-amz-trailer": "x-amz-checksum-crc32", ...extra });

  it("decodes, with the trailer checked", async () => {
    const { identity, headers } = await unsigned({ "x-amz-decoded-content-length": "3" });
    const body = Buffer.from("3\r\nabc\r\n0\r\nx-amz-checksum-crc32:NSRBwg==\r\n\r\n");
    for (const sizes of [[1], [2], [body.length]]) {
      const decoded = decodePayload(pieces(body, sizes), identity, headers);
      const { data, error } = await drain(decoded.bytes);
      expect([data.toString(), error]).toEqual(["abc", null]);
      expect(decoded.checksums()).toEqual({ "x-amz-checksum-crc32": "NSRBwg==" });
    }
  });

  it("a wrong trailer checksum is BadDigest, and the last byte is held back", async () => {
    const { identity, headers } = await unsigned();
    const { data, error } = await drain(decodePayload(pieces(Buffer.from("3\r\nabc\r\n0\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n"), [1]), identity, headers).bytes);
    expect(error?.code).toBe("BadDigest");
    expect(data.toString()).toBe("ab");
  });

  it("refuses a missing, undeclared, malformed or repeated trailer", async () => {
    const { identity, headers } = await unsigned();
    const cases = [
      ["3\r\nabc\r\n0\r\n\r\n", "IncompleteBody"],
      ["3\r\nabc\r\n0\r\n", "IncompleteBody"],
      ["3\r\nabc\r\n0\r\nx-amz-checksum-crc32c:Nks/tw==\r\n\r\n", "InvalidArgument"],
      ["3\r\nabc\r\n0\r\nx-amz-checksum-crc32:NSRBwg==\r\nx-amz-checksum-crc32:NSRBwg==\r\n\r\n", "InvalidArgument"],
      ["3\r\nabc\r\n0\r\nx-amz-checksum-crc32 NSRBwg==\r\n\r\n", "InvalidArgument"],
      ["3\r\nabc\r\n0\r\nx-amz-checksum-crc32:NSRBwg", "IncompleteBody"],
      ["3\r\nabc\r\n0\r\nx-amz-checksum-crc32:NSRB\r\n\r\n", "InvalidArgument"],
    ] as const;
    for (const [body, code] of cases) {
      const { error } = await drain(decodePayload(pieces(Buffer.from(body), [1]), identity, headers).bytes);
      expect(error?.code, body).toBe(code);
    }
  });

  it("a body without a trailer when none is declared, ending right after the last chunk", async () => {
    const { identity, headers } = await signedUpload("STREAMING-UNSIGNED-PAYLOAD-TRAILER", { "content-encoding": "gzip,aws-chunked" });
    const decoded = decodePayload(pieces(Buffer.from("3\r\nabc\r\n0\r\n")), identity, headers);
    expect((await drain(decoded.bytes)).data.toString()).toBe("abc");
    expect(decoded.checksums()).toEqual({});
  });

  it("the declared decoded length is enforced both ways", async () => {
    for (const [declared, code] of [
      ["4", "IncompleteBody"],
      ["2", "InvalidArgument"],
    ] as const) {
      const { identity, headers } = await unsigned({ "x-amz-decoded-content-length": declared });
      const { error } = await drain(decodePayload(pieces(Buffer.from("3\r\nabc\r\n0\r\nx-amz-checksum-crc32:NSRBwg==\r\n\r\n")), identity, headers).bytes);
      expect(error?.code).toBe(code);
    }
  });
});

describe("plain bodies", () => {
  const text = Buffer.from("Welcome to Amazon S3.");
  const sha256 = createHash("sha256").update(text).digest("hex");

  it("a signed payload is checked against x-amz-content-sha256", async () => {
    const { identity, headers } = await signedUpload(sha256, { "content-length": String(text.length) });
    expect((await drain(decodePayload(pieces(text, [4]), identity, headers).bytes)).data.equals(text)).toBe(true);
    const changed = Buffer.from("Welcome to Amazon S4.");
    const { data, error } = await drain(decodePayload(pieces(changed, [4]), identity, headers).bytes);
    expect(error?.code).toBe("XAmzContentSHA256Mismatch");
    expect(error?.details.ClientComputedContentSHA256).toBe(sha256);
    expect(data.length).toBeLessThan(text.length);
  });

  it("each checksum header, right and wrong", async () => {
    for (const algorithm of ["crc32", "crc32c", "sha1", "sha256"] as const) {
      const name = `x-amz-checksum-${algorithm}`;
      const { identity, headers } = await signedUpload("UNSIGNED-PAYLOAD", { [name]: checksumOf(algorithm, text) });
      const decoded = decodePayload(pieces(text, [5]), identity, headers);
      expect((await drain(decoded.bytes)).error).toBeNull();
      expect(decoded.checksums()).toEqual({ [name]: checksumOf(algorithm, text) });
      const { error } = await drain(decodePayload(pieces(Buffer.from("Welcome to Amazon S3!")), identity, headers).bytes);
      expect(error?.code).toBe("BadDigest");
    }
  });

  it("a body shorter or longer than its Content-Length", async () => {
    const { identity, headers } = await signedUpload("UNSIGNED-PAYLOAD", { "content-length": "22" });
    expect((await drain(decodePayload(pieces(text), identity, headers).bytes)).error?.code).toBe("IncompleteBody");
    expect((await drain(decodePayload(pieces(Buffer.concat([text, Buffer.from("xy")])), identity, headers).bytes)).error?.code).toBe("InvalidArgument");
  });

  it("an empty body", async () => {
    const { identity, headers } = await signedUpload(createHash("sha256").digest("hex"), { "content-length": "0" });
    const decoded = decodePayload(pieces(Buffer.alloc(0)), identity, headers);
    expect((await drain(decoded.bytes)).data.length).toBe(0);
    expect(decoded.checksums()).toEqual({});
  });
});

describe("what decodePayload refuses before reading a byte", () => {
  it("aws-chunked framing on a body that is not streamed, two checksums, unknown or malformed ones, a trailer without a trailer mode", async () => {
    const cases: [string, Record<string, string>][] = [
      ["UNSIGNED-PAYLOAD", { "content-encoding": "aws-chunked" }],
      ["UNSIGNED-PAYLOAD", { "x-amz-checksum-crc32": "NSRBwg==", "x-amz-checksum-sha1": "qZk+NkcGgWq6PiVxeFDCbJzQ2J0=" }],
      ["UNSIGNED-PAYLOAD", { "x-amz-checksum-crc64nvme": "AAAAAAAAAAA=" }],
      ["UNSIGNED-PAYLOAD", { "x-amz-checksum-crc32": "NSRBwg" }],
      ["UNSIGNED-PAYLOAD", { "x-amz-trailer": "x-amz-checksum-crc32" }],
      ["STREAMING-AWS4-HMAC-SHA256-PAYLOAD", { "x-amz-trailer": "x-amz-checksum-crc32" }],
      ["STREAMING-UNSIGNED-PAYLOAD-TRAILER", { "x-amz-trailer": "x-amz-meta-colour" }],
      ["STREAMING-UNSIGNED-PAYLOAD-TRAILER", { "x-amz-trailer": "x-amz-checksum-crc32", "x-amz-checksum-crc32": "NSRBwg==" }],
      ["STREAMING-UNSIGNED-PAYLOAD-TRAILER", { "x-amz-decoded-content-length": "-1" }],
    ];
    for (const [payloadHash, extra] of cases) {
      const { identity, headers } = await signedUpload(payloadHash, extra);
      expect(() => decodePayload(pieces(Buffer.from("abc")), identity, headers), JSON.stringify(extra)).toThrowError(
        expect.objectContaining({ code: "InvalidArgument" }),
      );
    }
  });

  it("checksums() only once the body has been read", async () => {
    const { identity, headers } = await signedUpload("UNSIGNED-PAYLOAD");
    expect(() => decodePayload(pieces(Buffer.from("abc")), identity, headers).checksums()).toThrow();
  });
});

describe("streaming", () => {
  it("passes data on as it arrives, in slices of the buffers that came in, without reading ahead", async () => {
    const { identity, headers, signing } = await signedUpload("STREAMING-AWS4-HMAC-SHA256-PAYLOAD");
    const chunk = randomBytes(1024 * 1024);
    const chunkCount = 64;
    let produced = 0;
    // 64 MiB framed lazily: the same 1 MiB chunk again and again, each with its chained signature,
    // delivered in 64 KiB pieces.
    async function* source(): AsyncGenerator<Buffer> {
      let previous = signing.seedSignature;
      const dataHash = sha256Hex(chunk);
      for (let i = 0; i < chunkCount; i++) {
        previous = signHex(signing.signingKey, chunkStringToSign(signing.amzDate, signing.scope, previous, dataHash));
        produced++;
        yield Buffer.from(`${chunk.length.toString(16)};chunk-signature=${previous}\r\n`);
        for (let offset = 0; offset < chunk.length; offset += 65536) yield chunk.subarray(offset, offset + 65536);
        yield Buffer.from("\r\n");
      }
      previous = signHex(signing.signingKey, chunkStringToSign(signing.amzDate, signing.scope, previous, sha256Hex("")));
      yield Buffer.from(`0;chunk-signature=${previous}\r\n\r\n`);
    }
    const decoded = decodePayload(source(), identity, headers);
    let total = 0;
    let producedAtFirstByte = -1;
    const hash = createHash("sha256");
    for await (const piece of decoded.bytes) {
      if (producedAtFirstByte < 0) producedAtFirstByte = produced;
      expect(piece.length).toBeLessThanOrEqual(65536);
      hash.update(piece);
      total += piece.length;
    }
    expect(total).toBe(chunkCount * chunk.length);
    expect(producedAtFirstByte).toBe(1);
    const expected = createHash("sha256");
    for (let i = 0; i < chunkCount; i++) expected.update(chunk);
    expect(hash.digest("hex")).toBe(expected.digest("hex"));
  });
});

describe("helpers", () => {
  it("storedContentEncoding drops aws-chunked", () => {
    expect(storedContentEncoding("aws-chunked")).toBeUndefined();
    expect(storedContentEncoding("gzip,aws-chunked")).toBe("gzip");
    expect(storedContentEncoding("aws-chunked, gzip")).toBe("gzip");
    expect(storedContentEncoding("br")).toBe("br");
    expect(storedContentEncoding(undefined)).toBeUndefined();
  });

  it("declaredObjectSize reads the length that applies to the mode", async () => {
    const streamed = await signedUpload("STREAMING-UNSIGNED-PAYLOAD-TRAILER", { "x-amz-decoded-content-length": "3" });
    expect(declaredObjectSize({ ...streamed.headers, "content-length": "60" }, streamed.identity)).toBe(3);
    const plain = await signedUpload("UNSIGNED-PAYLOAD", { "content-length": "60" });
    expect(declaredObjectSize(plain.headers, plain.identity)).toBe(60);
    const unknown = await signedUpload("STREAMING-UNSIGNED-PAYLOAD-TRAILER");
    expect(declaredObjectSize(unknown.headers, unknown.identity)).toBeNull();
  });
});
