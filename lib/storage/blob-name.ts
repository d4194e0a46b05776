/**
 * Blob names, the same for every store: a hash of bucket and key plus a random version suffix,
 * never the key itself. Keys cannot reach outside the data directory (or the store's bucket), and
 * replacing an object writes a new name, so a row never points at half-replaced bytes. Names are
 * lowercase hex, which the consistency check relies on to walk them by two-digit prefix.
 */
import { createHash, randomBytes } from "node:crypto";

const BLOB_NAME = /^[0-9a-f]{64}\.[0-9a-f]{12}$/;

export function newBlobName(bucketId: number, key: string): string {
  const digest = createHash("sha256").update(`${bucketId}\0${key}`).digest("hex");
  return `${digest}.${randomBytes(6).toString("hex")}`;
}

export function isBlobName(name: string): boolean {
  return BLOB_NAME.test(name);
}

/** A prefix the stores list by: two or more hex digits. */
export function assertBlobNamePrefix(prefix: string): void {
  if (!/^[0-9a-f]{2,}$/.test(prefix)) throw new RangeError(`not a blob-name prefix: ${prefix}`);
}
