/**
 * The request values of multipart uploads, read by the same rules for S3 and BOS: part numbers,
 * page sizes of ListParts and ListMultipartUploads, and the delimiter roll-up of listed uploads.
 * Each returns null for a value it refuses; the protocol says so in its own error.
 */
import { compareUtf8 } from "./key-order";
import { MAX_PART_NUMBER, type MultipartUploadRecord } from "./multipart-service";

/** The most parts or uploads one listing returns (S3's page size; BOS's too). */
export const MAX_LISTED = 1000;

/** A part number, 1 to 10,000, written as a whole number (a JSON number or the text of one). */
export function parsePartNumber(value: unknown): number | null {
  const text = typeof value === "number" ? String(value) : typeof value === "string" ? value : "";
  const number = Number(text);
  return /^\d+$/.test(text) && number >= 1 && number <= MAX_PART_NUMBER ? number : null;
}

/** A whole-number query value from `min`, capped at MAX_LISTED; `fallback` when absent or empty. */
export function parseListCount(value: string | null, min: number, fallback: number): number | null {
  if (value === null || value === "") return fallback;
  if (!/^\d+$/.test(value) || Number(value) < min) return null;
  return Math.min(Number(value), MAX_LISTED);
}

/** With a delimiter, uploads whose key has it past the prefix roll up into common prefixes, as in ListObjects. */
export function rollUpUploads(found: MultipartUploadRecord[], prefix: string, delimiter: string): { uploads: MultipartUploadRecord[]; commonPrefixes: string[] } {
  const commonPrefixes: string[] = [];
  const uploads = found.filter((upload) => {
    const cut = delimiter === "" ? -1 : upload.key.indexOf(delimiter, prefix.length);
    if (cut < 0) return true;
    const common = upload.key.slice(0, cut + delimiter.length);
    if (!commonPrefixes.includes(common)) commonPrefixes.push(common);
    return false;
  });
  commonPrefixes.sort(compareUtf8);
  return { uploads, commonPrefixes };
}
