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

/** CRC-32C (Castagnoli, reflected polynomial 0x82F63B78): eight 256-entry tables, eight bytes a step. */
const CRC32C_TABLES = (() => {
  const tables = Array.from({ length: 8 }, () => new Uint32Array(256));
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    tables[0]![n] = c >>> 0;
  }
  for (let n = 0; n < 256; n++) {
    let c = tables[0]![n]!;
    for (let t = 1; t < 8; t++) {
      c = tables[0]![c & 0xff]! ^ (c >>> 8);
      tables[t]![n] = c >>> 0;
    }
  }
  return tables;
})();

/** Continues a CRC-32C over `data` from `crc` (0 to start). */
export function crc32c(data: Uint8Array, crc = 0): number {
  const [t0, t1, t2, t3, t4, t5, t6, t7] = CRC32C_TABLES as [Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array];
  let c = ~crc >>> 0;
  let i = 0;
  const end8 = data.length - (data.length % 8);
  for (; i < end8; i += 8) {
    const low = (c ^ (data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24))) >>> 0;
    c =
      t7[low & 0xff]! ^
      t6[(low >>> 8) & 0xff]! ^
      t5[(low >>> 16) & 0xff]! ^
      t4[low >>> 24]! ^
      t3[data[i + 4]!]! ^
      t2[data[i + 5]!]! ^
      t1[data[i + 6]!]! ^
      t0[data[i + 7]!]!;
  }
  for (; i < data.length; i++) c = t0[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
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
