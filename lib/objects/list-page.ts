/**
 * One page of a bucket listing (BOS ListObjects: prefix, delimiter, marker, maxKeys) over any store
 * that can return keys in order from a starting point. After reporting a common prefix it seeks to
 * the first key past that prefix instead of reading the keys under it, so a page costs a number of
 * reads that grows with the page, not with the bucket: a folder of ten million keys is one seek.
 */
import { compareUtf8, prefixSuccessor } from "./key-order";

/** Where a read starts: at `key` itself (inclusive) or just after it. */
export interface KeyBound {
  key: string;
  inclusive: boolean;
}

export interface ListKeyReader {
  /** Up to `limit` keys of the bucket from `start` on, in UTF-8 byte order (see key-order.ts). */
  firstKeys(bucketId: number, start: KeyBound, limit: number): Promise<string[]>;
}

export interface ListOptions {
  prefix: string;
  delimiter: string;
  marker: string;
  /** At least 1. */
  maxKeys: number;
}

export interface KeyPage {
  /** Keys of the objects on the page (not rolled up into a common prefix), in order. */
  keys: string[];
  commonPrefixes: string[];
  isTruncated: boolean;
  /** The last key or common prefix on the page when it is truncated: the next page's marker. */
  nextMarker: string | null;
}

/**
 * After a read that ended inside a common prefix the next read starts small: the keys ahead may
 * well be another large folder. Reads that are used up double, up to what the page still needs.
 */
const BATCH_AFTER_SEEK = 32;

export async function listKeyPage(reader: ListKeyReader, bucketId: number, options: ListOptions): Promise<KeyPage> {
  const { prefix, delimiter, marker, maxKeys } = options;
  if (!(maxKeys >= 1)) throw new RangeError("maxKeys must be at least 1");
  const keys: string[] = [];
  const commonPrefixes: string[] = [];
  let last: string | null = null;
  const page = (isTruncated: boolean): KeyPage => ({ keys, commonPrefixes, isTruncated, nextMarker: isTruncated ? last : null });

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

  let batch = maxKeys + 1;
  while (start !== null) {
    // One key more than the page has room for tells whether it is truncated.
    const limit = Math.min(batch, maxKeys - keys.length - commonPrefixes.length + 1);
    const found = await reader.firstKeys(bucketId, start, limit);
    let skipping: string | null = null;
    for (const key of found) {
      if (skipping !== null && key.startsWith(skipping)) continue;
      skipping = null;
      if (!key.startsWith(prefix)) return page(false);
      // Every key here is a new entry: keys under a reported common prefix were skipped or sought past.
      if (keys.length + commonPrefixes.length >= maxKeys) return page(true);
      const common = commonPrefixOf(key);
      if (common === null) {
        keys.push(key);
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
      batch = BATCH_AFTER_SEEK;
    } else {
      start = { key: found[found.length - 1]!, inclusive: false };
      batch *= 2;
    }
  }
  return page(false);
}

function seekPast(commonPrefix: string): KeyBound | null {
  const successor = prefixSuccessor(commonPrefix);
  return successor === null ? null : { key: successor, inclusive: true };
}
