import { describe, expect, it } from "vitest";
import { compareUtf8 } from "./key-order";
import { listPage, type EntryPage, type KeyBound, type ListOptions, type ListReader } from "./list-page";

/** Keys in memory, sorted as the database sorts them; counts what a listing reads. */
class MemoryReader implements ListReader<{ key: string }> {
  readonly keys: string[];
  calls = 0;
  keysRead = 0;

  constructor(keys: Iterable<string>) {
    this.keys = [...new Set(keys)].sort(compareUtf8);
  }

  async entriesFrom(_bucketId: number, start: KeyBound, limit: number): Promise<{ key: string }[]> {
    let low = 0;
    let high = this.keys.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      const order = compareUtf8(this.keys[middle]!, start.key);
      if (order < 0 || (order === 0 && !start.inclusive)) low = middle + 1;
      else high = middle;
    }
    const found = this.keys.slice(low, low + limit);
    this.calls += 1;
    this.keysRead += found.length;
    return found.map((key) => ({ key }));
  }
}

/** Today's listing as a plain scan of every key (the contract), in byte order. */
type KeyPage = Omit<EntryPage<never>, "objects"> & { keys: string[] };

function scanPage(sorted: string[], { prefix, delimiter, marker, maxKeys }: ListOptions): KeyPage {
  const keys: string[] = [];
  const commonPrefixes: string[] = [];
  let last: string | null = null;
  for (const key of sorted) {
    if (compareUtf8(key, marker) <= 0 || compareUtf8(key, prefix) < 0) continue;
    if (!key.startsWith(prefix)) break;
    const cut = delimiter ? key.indexOf(delimiter, prefix.length) : -1;
    const common = cut >= 0 ? key.slice(0, cut + delimiter.length) : null;
    if (common !== null && common === marker) continue;
    const isNew = common === null || common !== commonPrefixes[commonPrefixes.length - 1];
    if (!isNew) continue;
    if (keys.length + commonPrefixes.length >= maxKeys) return { keys, commonPrefixes, isTruncated: true, nextMarker: last };
    if (common !== null) commonPrefixes.push(common);
    else keys.push(key);
    last = common ?? key;
  }
  return { keys, commonPrefixes, isTruncated: false, nextMarker: null };
}

const options = (partial: Partial<ListOptions>): ListOptions => ({ prefix: "", delimiter: "", marker: "", maxKeys: 1000, ...partial });
async function list(reader: MemoryReader, partial: Partial<ListOptions>): Promise<KeyPage> {
  const { objects, ...rest } = await listPage(reader, 1, options(partial));
  return { keys: objects.map((object) => object.key), ...rest };
}

/** Every entry of a listing, page by page, following nextMarker. */
async function listAll(reader: MemoryReader, partial: Partial<ListOptions>): Promise<string[]> {
  const seen: string[] = [];
  let marker = partial.marker ?? "";
  for (let pages = 0; pages < 10_000; pages++) {
    const page = await list(reader, { ...partial, marker });
    seen.push(...[...page.keys, ...page.commonPrefixes].sort(compareUtf8));
    if (!page.isTruncated) return seen;
    marker = page.nextMarker!;
  }
  throw new Error("the listing never ended");
}

const photos = ["a.txt", "photos/2024/x.jpg", "photos/2024/y.jpg", "photos/2025/z.jpg", "photos/top.jpg", "videos/v.mp4"];

describe("listPage", () => {
  it("lists with a prefix and a delimiter", async () => {
    const reader = new MemoryReader(photos);
    expect(await list(reader, { prefix: "photos/", delimiter: "/" })).toEqual({
      keys: ["photos/top.jpg"],
      commonPrefixes: ["photos/2024/", "photos/2025/"],
      isTruncated: false,
      nextMarker: null,
    });
    const top = await list(reader, { delimiter: "/" });
    expect(top.keys).toEqual(["a.txt"]);
    expect(top.commonPrefixes).toEqual(["photos/", "videos/"]);
  });

  it("pages with maxKeys and marker without repeating a common prefix", async () => {
    const reader = new MemoryReader(photos);
    expect(await listAll(reader, { delimiter: "/", maxKeys: 1 })).toEqual(["a.txt", "photos/", "videos/"]);
    expect(await list(reader, { maxKeys: 4 })).toMatchObject({ isTruncated: true, nextMarker: "photos/2025/z.jpg" });
    expect(await list(reader, { maxKeys: 6 })).toMatchObject({ isTruncated: false, nextMarker: null });
    // Truncated only when something follows: a full last page is not truncated.
    expect(await list(reader, { delimiter: "/", maxKeys: 3 })).toMatchObject({ isTruncated: false });
    expect(await list(reader, { delimiter: "/", maxKeys: 2 })).toMatchObject({ isTruncated: true, nextMarker: "photos/" });
  });

  it("skips the common prefix a marker names, and reports again one the marker is inside", async () => {
    const reader = new MemoryReader(photos);
    expect(await list(reader, { delimiter: "/", marker: "photos/" })).toMatchObject({ keys: [], commonPrefixes: ["videos/"] });
    expect(await list(reader, { delimiter: "/", marker: "photos/2024/x.jpg" })).toMatchObject({ keys: [], commonPrefixes: ["photos/", "videos/"] });
    expect(await list(reader, { prefix: "photos/", delimiter: "/", marker: "photos/2024/" })).toMatchObject({
      keys: ["photos/top.jpg"],
      commonPrefixes: ["photos/2025/"],
    });
    expect(await list(reader, { delimiter: "/", marker: "zzz" })).toMatchObject({ keys: [], commonPrefixes: [], isTruncated: false });
  });

  it("rolls up at a delimiter of more than one character", async () => {
    const reader = new MemoryReader(["a--b--c", "a--b--d", "a--e", "a-f", "a--", "b"]);
    expect(await list(reader, { delimiter: "--" })).toMatchObject({ keys: ["a-f", "b"], commonPrefixes: ["a--"] });
    expect(await list(reader, { prefix: "a--", delimiter: "--" })).toMatchObject({ keys: ["a--", "a--e"], commonPrefixes: ["a--b--"] });
    expect(await listAll(reader, { prefix: "a--", delimiter: "--", maxKeys: 1 })).toEqual(["a--", "a--b--", "a--e"]);
  });

  it("does not list a key equal to the marker, even when the marker is the prefix", async () => {
    // Today's scan started at the prefix inclusively, so with an object named like the prefix,
    // prefix=photos/&maxKeys=1 answered photos/ with nextMarker photos/ forever.
    const reader = new MemoryReader(["photos/", "photos/a", "photos/b"]);
    expect(await listAll(reader, { prefix: "photos/", maxKeys: 1 })).toEqual(["photos/", "photos/a", "photos/b"]);
    expect((await list(reader, { prefix: "photos/", marker: "photos/" })).keys).toEqual(["photos/a", "photos/b"]);
  });

  it("compares the marker and the prefix in byte order", async () => {
    // U+1F600 sorts after U+FF01 in UTF-8 (and in the database), before it in UTF-16.
    const reader = new MemoryReader(["\uFF01a", "\uFF01b", "\u{1F600}"]);
    expect(await list(reader, { prefix: "\uFF01", marker: "\u{1F600}" })).toMatchObject({ keys: [] });
    expect(await list(reader, { prefix: "\u{1F600}", marker: "\uFF01b" })).toMatchObject({ keys: ["\u{1F600}"] });
    const seeking = new MemoryReader(["a\uFFFF/1", "a\uFFFF/2", "a\u{10000}/1", "a\u{1F600}", "b"]);
    expect(await list(seeking, { delimiter: "/" })).toMatchObject({ keys: ["a\u{1F600}", "b"], commonPrefixes: ["a\uFFFF/", "a\u{10000}/"] });
  });

  it("matches a full scan for random keys, prefixes, delimiters, markers and page sizes", async () => {
    let seed = 42;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    const alphabet = ["a", "b", "/", "-", "\uFFFF", "\u{1F600}"];
    const word = (max: number) => Array.from({ length: Math.floor(random() * max) }, () => pick(alphabet)).join("");
    for (let round = 0; round < 300; round++) {
      const reader = new MemoryReader(Array.from({ length: 1 + Math.floor(random() * 40) }, () => word(6) || "a"));
      const partial = { prefix: word(2), delimiter: pick(["", "/", "//", "-/", "\u{1F600}"]), marker: random() < 0.5 ? "" : word(4), maxKeys: 1 + Math.floor(random() * 5) };
      const label = JSON.stringify({ keys: reader.keys, ...partial });
      expect(await list(reader, partial), label).toEqual(scanPage(reader.keys, partial));
      const everything = scanPage(reader.keys, { ...partial, maxKeys: 100 });
      expect(await listAll(reader, partial), label).toEqual([...everything.keys, ...everything.commonPrefixes].sort(compareUtf8));
    }
  });

  it("reads a number of keys that grows with the page, not with the keys under a common prefix", async () => {
    const folder = Array.from({ length: 100_000 }, (_, i) => `big/${String(i).padStart(6, "0")}`);
    const reader = new MemoryReader([...folder, "a.txt", "z.txt"]);
    expect(await list(reader, { delimiter: "/" })).toMatchObject({ keys: ["a.txt", "z.txt"], commonPrefixes: ["big/"] });
    expect(reader.calls).toBe(2);
    expect(reader.keysRead).toBeLessThanOrEqual(2 * 64);

    reader.calls = reader.keysRead = 0;
    const inside = await list(reader, { prefix: "big/", delimiter: "/", marker: "big/050000" });
    expect(inside).toMatchObject({ isTruncated: true, nextMarker: "big/051000" });
    expect(inside.keys).toHaveLength(1000);
    expect(reader.calls).toBe(3); // 64, 256, then the 681 still needed
    expect(reader.keysRead).toBe(1_001);

    reader.calls = reader.keysRead = 0;
    const plain = await list(reader, { prefix: "big/", marker: "big/050000" });
    expect(plain.keys).toHaveLength(1000);
    expect(reader.calls).toBe(1);
  });

  it("seeks past many large common prefixes with small reads", async () => {
    const keys = Array.from({ length: 300 }, (_, folder) => Array.from({ length: 300 }, (_, i) => `f${String(folder).padStart(3, "0")}/${i}`)).flat();
    const reader = new MemoryReader(keys);
    const page = await list(reader, { delimiter: "/", maxKeys: 100 });
    expect(page.commonPrefixes).toHaveLength(100);
    expect(page).toMatchObject({ isTruncated: true, nextMarker: "f099/" });
    expect(reader.calls).toBeLessThanOrEqual(101);
    expect(reader.keysRead).toBeLessThanOrEqual(101 * 64);
  });

  it("refuses a page of no keys", async () => {
    await expect(list(new MemoryReader([]), { maxKeys: 0 })).rejects.toThrow(RangeError);
  });
});
