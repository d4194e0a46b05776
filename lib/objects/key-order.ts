/**
 * Object keys sort in UTF-8 byte order: that is what BOS and S3 mean by "lexicographic", and what
 * SQLite's default BINARY collation does (memcmp over the UTF-8 text). UTF-8 byte order is the same
 * as Unicode code point order, but JavaScript's `<` compares UTF-16 code units, which puts U+E000..
 * U+FFFF after the astral characters (stored as surrogates D800..DFFF). Anything that compares keys
 * in JavaScript to agree with the database goes through these two functions.
 */

/** Negative, zero or positive as `a` sorts before, with or after `b` in UTF-8 byte order. */
export function compareUtf8(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}

/**
 * At the first differing UTF-16 unit, a surrogate stands for a code point above U+FFFF: rank it
 * above U+E000..U+FFFF (the usual fix-up for comparing UTF-16 in code point order).
 */
function codePointRank(unit: number): number {
  if (unit >= 0xe000) return unit - 0x800;
  if (unit >= 0xd800) return unit + 0x2000;
  return unit;
}

const MAX_CODE_POINT = 0x10ffff;

/**
 * The smallest string that sorts after every string starting with `prefix` (so `key >= successor`
 * seeks past all of them), or null when there is none (`prefix` is empty or all U+10FFFF).
 * Incrementing the last code point is incrementing its UTF-8 encoding in byte order, and the result
 * is still a valid string the database can compare; surrogate code points are never in keys, so
 * U+D7FF is followed by U+E000.
 */
export function prefixSuccessor(prefix: string): string | null {
  const codePoints = Array.from(prefix, (char) => char.codePointAt(0)!);
  while (codePoints.length > 0) {
    const last = codePoints.pop()!;
    if (last === MAX_CODE_POINT) continue;
    codePoints.push(last === 0xd7ff ? 0xe000 : last + 1);
    return String.fromCodePoint(...codePoints);
  }
  return null;
}
