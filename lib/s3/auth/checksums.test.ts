import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { checksumAlgorithmOf, crc32c, createChecksum, decodeChecksumValue } from "./checksums";

/** CRC-32C one bit at a time, straight from the definition: the reference the table version must match. */
function crc32cBitwise(data: Uint8Array): number {
  let c = 0xffffffff;
  for (const byte of data) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}

const base64Of = (algorithm: Parameters<typeof createChecksum>[0], ...pieces: (string | Buffer)[]) => {
  const checksum = createChecksum(algorithm);
  for (const piece of pieces) checksum.update(Buffer.from(piece));
  return checksum.digest().toString("base64");
};

describe("checksums", () => {
  it("CRC-32C: the standard check value, the empty input, RFC 3720's test patterns", () => {
    expect(crc32c(Buffer.from("123456789"))).toBe(0xe3069283);
    expect(crc32c(Buffer.alloc(0))).toBe(0);
    expect(crc32c(Buffer.alloc(32, 0))).toBe(0x8a9136aa);
    expect(crc32c(Buffer.alloc(32, 0xff))).toBe(0x62a8ab43);
    expect(crc32c(Buffer.from(Array.from({ length: 32 }, (_, i) => i)))).toBe(0x46dd794e);
    expect(crc32c(Buffer.from(Array.from({ length: 32 }, (_, i) => 31 - i)))).toBe(0x113fdb5c);
  });

  it("CRC-32C: the table version matches the bitwise definition, whole or in pieces", () => {
    for (const length of [1, 7, 8, 9, 63, 64, 65, 1000, 65537]) {
      const data = randomBytes(length);
      const expected = crc32cBitwise(data);
      expect(crc32c(data)).toBe(expected);
      const cut = Math.floor(length / 3);
      expect(crc32c(data.subarray(cut), crc32c(data.subarray(0, cut)))).toBe(expected);
    }
  });

  it("gives S3's base64 of the big-endian digest, for all four algorithms, in pieces", () => {
    expect(base64Of("crc32", "abc")).toBe("NSRBwg==");
    expect(base64Of("crc32", "a", "bc")).toBe("NSRBwg==");
    expect(base64Of("crc32", "123456789")).toBe(Buffer.from("cbf43926", "hex").toString("base64"));
    expect(base64Of("crc32c", "1234", "56789")).toBe(Buffer.from("e3069283", "hex").toString("base64"));
    // The S3 documentation's trailer example: 66,560 bytes of "a".
    expect(base64Of("crc32c", Buffer.alloc(65536, "a"), Buffer.alloc(1024, "a"))).toBe("sOO8/Q==");
    expect(base64Of("sha1", "ab", "c")).toBe(Buffer.from("a9993e364706816aba3e25717850c26c9cd0d89d", "hex").toString("base64"));
    expect(base64Of("sha256", "", "abc")).toBe(Buffer.from("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", "hex").toString("base64"));
  });

  it("reads checksum values and names strictly", () => {
    expect(decodeChecksumValue("crc32", "NSRBwg==")?.toString("hex")).toBe("352441c2");
    expect(decodeChecksumValue("crc32", " NSRBwg== ")?.toString("hex")).toBe("352441c2");
    expect(decodeChecksumValue("crc32", "NSRBwgA=")).toBeNull();
    expect(decodeChecksumValue("crc32", "NSRBwg")).toBeNull();
    expect(decodeChecksumValue("sha256", "NSRBwg==")).toBeNull();
    expect(decodeChecksumValue("crc32c", "not base64!")).toBeNull();
    expect(checksumAlgorithmOf("X-Amz-Checksum-CRC32C")).toBe("crc32c");
    expect(checksumAlgorithmOf("x-amz-checksum-crc64nvme")).toBeNull();
    expect(checksumAlgorithmOf("x-amz-checksum-type")).toBeNull();
    expect(checksumAlgorithmOf("content-md5")).toBeNull();
  });
});
