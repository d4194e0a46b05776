import { describe, expect, it } from "vitest";
import { createHotCaches, objectEntryBytes } from "./hot-cache";
import { objectCacheKey } from "./object-cache";
import type { ObjectRecord } from "./object-meta";

const DEFAULT_METADATA_BUDGET = 32 * 1024 * 1024;

function record(key: string, metaValue: string): ObjectRecord {
  return {
    bucketId: 1,
    key,
    size: 1,
    etag: "0".repeat(32),
    storageClass: "STANDARD",
    httpMeta: { "content-type": "text/plain" },
    userMeta: { "x-bce-meta-notes": metaValue },
    checksums: {},
  sourceUrl: null,
    blobName: "a".repeat(77),
    lastModified: new Date(),
  };
}

describe("hot caches are bounded in bytes", () => {
  it("keeps 20,000 rows with 14 KB of metadata each within the metadata budget", () => {
    const cache = createHotCaches({ metadata: DEFAULT_METADATA_BUDGET, content: 0 }).objects;
    const notes = "n".repeat(14 * 1024);
    for (let i = 0; i < 20_000; i++) cache.set(objectCacheKey(1, `k${i}`), record(`k${i}`, notes));
    // Each entry weighs at least its metadata (two bytes a character); the total stays under the budget.
    expect(cache.size * notes.length * 2).toBeLessThanOrEqual(DEFAULT_METADATA_BUDGET);
    expect(cache.size).toBeGreaterThan(100);
  });

  it("weighs a row by its key and metadata, which clients control", () => {
    const small = objectEntryBytes(record("k", ""));
    const large = objectEntryBytes(record("k".repeat(1000), "v".repeat(10_000)));
    expect(large - small).toBeGreaterThanOrEqual(2 * (999 * 2 + 10_000));
    expect(objectEntryBytes(null)).toBeGreaterThan(0);
  });
});
