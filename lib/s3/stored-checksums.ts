/**
 * The x-amz-checksum-* values kept with objects and parts: stored by algorithm (`crc32`, …) once
 * the payload decoder has verified them, returned when a client asks (`x-amz-checksum-mode:
 * ENABLED` on GetObject or HeadObject, as S3 does), and combined for a multipart object the way S3
 * does for COMPOSITE checksums: the algorithm over the parts' binary checksums, in order, then `-N`.
 */
import type { IncomingHttpHeaders } from "node:http";
import { CHECKSUM_ALGORITHMS, checksumAlgorithmOf, checksumHeader, createChecksum, decodeChecksumValue, type ChecksumAlgorithm } from "./auth/checksums";

/** The decoder's verified `{ "x-amz-checksum-crc32": value }` as stored `{ crc32: value }`. */
export function storedChecksums(verified: Record<string, string>): Record<string, string> {
  const stored: Record<string, string> = {};
  for (const [name, value] of Object.entries(verified)) {
    const algorithm = checksumAlgorithmOf(name);
    if (algorithm) stored[algorithm] = value;
  }
  return stored;
}

const isComposite = (value: string) => /-\d+$/.test(value);

/** Whether the request asks for the object's checksums (S3 answers only `ENABLED`). */
export function wantsChecksums(headers: IncomingHttpHeaders): boolean {
  const mode = headers["x-amz-checksum-mode"];
  return typeof mode === "string" && mode.trim().toUpperCase() === "ENABLED";
}

/** Response headers for stored checksums: `x-amz-checksum-crc32` and so on, and `x-amz-checksum-type`. */
export function checksumHeaders(checksums: Record<string, string>): Record<string, string> {
  const headers: Record<string, string> = {};
  let composite = false;
  for (const algorithm of CHECKSUM_ALGORITHMS) {
    const value = checksums[algorithm];
    if (value === undefined) continue;
    headers[checksumHeader(algorithm)] = value;
    composite ||= isComposite(value);
  }
  if (Object.keys(headers).length > 0) headers["x-amz-checksum-type"] = composite ? "COMPOSITE" : "FULL_OBJECT";
  return headers;
}

/** `ChecksumCRC32` and so on, for XML answers (ListParts, CompleteMultipartUpload). */
export function checksumElements(checksums: Record<string, string>): Record<string, string> {
  const elements: Record<string, string> = {};
  for (const algorithm of CHECKSUM_ALGORITHMS) {
    const value = checksums[algorithm];
    if (value !== undefined) elements[`Checksum${algorithm.toUpperCase()}`] = value;
  }
  return elements;
}

/** `<ChecksumCRC32>` and so on of a Part element in a CompleteMultipartUpload document. */
export function checksumsFromElements(read: (element: string) => string | undefined): Record<string, string> {
  const listed: Record<string, string> = {};
  for (const algorithm of CHECKSUM_ALGORITHMS) {
    const value = read(`Checksum${algorithm.toUpperCase()}`)?.trim();
    if (value !== undefined && value !== "") listed[algorithm] = value;
  }
  return listed;
}

/**
 * The object's checksums from its parts' (in order): for each algorithm every part has, the
 * algorithm over the parts' decoded checksums, base64, then `-N`. None when a part lacks it.
 */
export function compositeChecksums(parts: Record<string, string>[]): Record<string, string> {
  const combined: Record<string, string> = {};
  for (const algorithm of CHECKSUM_ALGORITHMS) {
    const digests = parts.map((part) => (part[algorithm] === undefined ? null : decodeChecksumValue(algorithm as ChecksumAlgorithm, part[algorithm])));
    if (parts.length === 0 || digests.some((digest) => digest === null)) continue;
    const checksum = createChecksum(algorithm);
    for (const digest of digests) checksum.update(digest!);
    combined[algorithm] = `${checksum.digest().toString("base64")}-${parts.length}`;
  }
  return combined;
}
