/**
 * One page of a bucket listing (BOS ListObjects: prefix, delimiter, marker, maxKeys) over any store
 * that can return entries in key order from a starting point. After reporting a common prefix it
 * seeks to the first key past that prefix instead of reading the keys under it, so a page costs
 * reads that grow with the page, not with the bucket: a folder of ten million keys is one seek.
 */
import { compareUtf8, prefixSuccessor } from "./key-order";

/** Where a read starts: at `key` itself (inclusive) or just after it. */
export interface KeyBound {
  key: string;
  inclusive: boolean;
}

export interface ListReader<T extends { key: string }> {
  /** Up to `limit` entries of the bucket from key `start` on, in UTF-8 byte order of key (see key-order.ts). */
  entriesFrom(bucketId: number, start: KeyBound, limit: number): Promise<T[]>;
}

export interface ListOptions {
  prefix: string;
  delimiter: string;
  marker: string;
  /** At least 1. */
  maxKeys: number;
}

export interface EntryPage<T> {
  /** Entries on the page that are not rolled up into a common prefix, in key order. */
  objects: T[];
  commonPrefixes: string[];
  isTruncated: boolean;
  /** The last key or common prefix on the page when it is truncated: the next page's marker. */
  nextMarker: string | null;
}

/**
 * With a delimiter, reads start small, because the keys ahead may be one large folder that rolls
 * up into a single entry, and grow fourfold while they are used up, up to what the page still
 * needs; a seek starts small again. A listing of large folders reads at most FIRST_BATCH entries
 * per folder; a 1,000-key page of plain keys takes three reads (each read costs ~1-2 ms through
 * Prisma here before its rows). Without a delimiter nothing rolls up: one read fills the page.
 */
const FIRST_BATCH = 64;
const GROWTH = 4;

export async function listPage<T extends { key: string }>(reader: ListReader<T>, bucketId: number, options: ListOptions): Promise<EntryPage<T>> {
  const { prefix, delimiter, marker, maxKeys } = options;
  if (!(maxKeys >= 1)) throw new RangeError("maxKeys must be at least 1");
  const objects: T[] = [];
  const commonPrefixes: string[] = [];
  let last: string | null = null;
  const page = (isTruncated: boolean): EntryPage<T> => ({ objects, commonPrefixes, isTruncated, nextMarker: isTruncated ? last : null });

  const commonPrefixOf = (key: string): string | null => {
    if (delimiter === "") return null;
    const cut = key.indexOf(delimiter, prefix.length);
    return cut < 0 ? null : key.slice(0, cut + delimiter.length);
  };

  let start: KeyBound | null;
  if (compareUtf8(marker, prefix) < 0) {
    start = { key: prefix, inclusive: true };
  } else if (marker.startsWith(prefix) && commonPrefixOf(marker) === marker) {
    // The previous page ended on this common prefix and so reported every key under it.
    start = seekPast(marker);
  } else {
    start = { key: marker, inclusive: false };
  }

  let batch = delimiter === "" ? maxKeys + 1 : FIRST_BATCH;
  while (start !== null) {
    // One entry more than the page has room for tells whether it is truncated.
    const limit = Math.min(batch, maxKeys - objects.length - commonPrefixes.length + 1);
    const found = await reader.entriesFrom(bucketId, start, limit);
    let skipping: string | null = null;
    for (const entry of found) {
      const { key } = entry;
      if (skipping !== null && key.startsWith(skipping)) continue;
      skipping = null;
      if (!key.startsWith(prefix)) return page(false);
      // Every key here is a new entry: keys under a reported common prefix were skipped or sought past.
      if (objects.length + commonPrefixes.length >= maxKeys) return page(true);
      const common = commonPrefixOf(key);
      if (common === null) {
        objects.push(entry);
        last = key;
      } else {
        commonPrefixes.push(common);
        last = common;
        skipping = common;
      }
    }
    if (found.length < limit) return page(false);
    if (skipping !== null) {
      start = seekPast(skipping);
      batch = FIRST_BATCH;
    } else {
      start = { key: found[found.length - 1]!.key, inclusive: false };
      batch *= GROWTH;
    }
  }
  return page(false);
}

function seekPast(commonPrefix: string): KeyBound | null {
  const successor = prefixSuccessor(commonPrefix);
  return successor === null ? null : { key: successor, inclusive: true };
}
