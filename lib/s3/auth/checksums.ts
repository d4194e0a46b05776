/**
 * The S3 additional checksums a request may carry in `x-amz-checksum-*` (header or trailer):
 * CRC32 (zlib's), CRC32C (Castagnoli, a slice-by-8 table here), SHA-1 and SHA-256 (node:crypto).
 * Each is computed incrementally and given as S3 writes it: the big-endian digest in base64.
 */
import { createHash, type Hash } from "node:crypto";
import zlib from "node:zlib";

export const CHECKSUM_ALGORITHMS = ["crc32", "crc32c", "sha1", "sha256"] as const;
export type ChecksumAlgorithm = (typeof CHECKSUM_ALGORITHMS)[number];

/** `x-amz-checksum-crc32` and so on. */
export const checksumHeader = (algorithm: ChecksumAlgorithm) => `x-amz-checksum-${algorithm}` as const;

/** The algorithm an `x-amz-checksum-*` name stands for, or null for any other name. */
export function checksumAlgorithmOf(headerName: string): ChecksumAlgorithm | null {
  const lower = headerName.toLowerCase();
  if (!lower.startsWith("x-amz-checksum-")) return null;
  const algorithm = lower.slice("x-amz-checksum-".length);
  return (CHECKSUM_ALGORITHMS as readonly string[]).includes(algorithm) ? (algorithm as ChecksumAlgorithm) : null;
}

/** The digest's length in bytes, so a header value of the wrong length can be refused before the body. */
export const CHECKSUM_BYTES: Record<ChecksumAlgorithm, number> = { crc32: 4, crc32c: 4, sha1: 20, sha256: 32 };

export interface Checksum {
  update(data: Uint8Array): void;
  /** The digest, big-endian, as S3 gives it in base64. */
  digest(): Buffer;
}

/**
 * CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), slice-by-8: eight 256-entry tables in one
 * Int32Array (int32 values keep V8 on its fast integer path; a Uint32Array's upper half would be
 * boxed doubles), eight bytes a step.
 */
const CRC32C_TABLE = (() => {
  const table = new Int32Array(8 * 256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    table[n] = c;
  }
  for (let n = 0; n < 256; n++) {
    let c = table[n]!;
    for (let t = 1; t < 8; t++) {
      c = table[c & 0xff]! ^ (c >>> 8);
      table[t * 256 + n] = c;
    }
  }
  return table;
})();

/** Continues a CRC-32C over `data` from `crc` (0 to start). */
export function crc32c(data: Uint8Array, crc = 0): number {
  const t = CRC32C_TABLE;
  let c = ~crc | 0;
  let i = 0;
  const length = data.length;
  const end8 = length - (length & 7);
  for (; i < end8; i += 8) {
    const low = c ^ (data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24));
    c =
      t[1792 + (low & 0xff)]! ^
      t[1536 + ((low >>> 8) & 0xff)]! ^
      t[1280 + ((low >>> 16) & 0xff)]! ^
      t[1024 + (low >>> 24)]! ^
      t[768 + data[i + 4]!]! ^
      t[512 + data[i + 5]!]! ^
      t[256 + data[i + 6]!]! ^
      t[data[i + 7]!]!;
  }
  for (; i < length; i++) c = t[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

function uint32(value: number): Buffer {
  const out = Buffer.allocUnsafe(4);
  out.writeUInt32BE(value >>> 0);
  return out;
}

class Crc implements Checksum {
  private value = 0;
  constructor(private readonly step: (data: Uint8Array, value: number) => number) {}
  update(data: Uint8Array): void {
    this.value = this.step(data, this.value);
  }
  digest(): Buffer {
    return uint32(this.value);
  }
}

class Digest implements Checksum {
  private readonly hash: Hash;
  constructor(algorithm: "sha1" | "sha256") {
    this.hash = createHash(algorithm);
  }
  update(data: Uint8Array): void {
    this.hash.update(data);
  }
  digest(): Buffer {
    return this.hash.digest();
  }
}

export function createChecksum(algorithm: ChecksumAlgorithm): Checksum {
  switch (algorithm) {
    case "crc32":
      return new Crc((data, value) => zlib.crc32(data, value));
    case "crc32c":
      return new Crc(crc32c);
    case "sha1":
    case "sha256":
      return new Digest(algorithm);
  }
}

/** A checksum value as sent, decoded; null when it is not base64 of the algorithm's digest length. */
export function decodeChecksumValue(algorithm: ChecksumAlgorithm, value: string): Buffer | null {
  const text = value.trim();
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text) || text.length % 4 !== 0) return null;
  const bytes = Buffer.from(text, "base64");
  return bytes.length === CHECKSUM_BYTES[algorithm] ? bytes : null;
}
