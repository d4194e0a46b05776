import { describe, expect, it } from "vitest";
import { checkConsistency, type CheckedBlobs, type CheckedJournal, type CheckedRows } from "./consistency-check";

const name = (hex: string) => hex.padEnd(64, "0") + ".000000000000";

class FakeBlobs implements CheckedBlobs {
  names = new Set<string>();
  temps = new Map<string, Date>();
  listed: string[] = [];
  /** Runs once, right after the first listing of `prefix` (a write that lands mid-check). */
  afterListing: { prefix: string; run: () => void } | null = null;

  async listNames(prefix: string) {
    this.listed.push(prefix);
    const names = [...this.names].filter((n) => n.startsWith(prefix));
    if (this.afterListing?.prefix === prefix) {
      this.afterListing.run();
      this.afterListing = null;
    }
    return names;
  }
  async has(n: string) {
    return this.names.has(n);
  }
  async remove(n: string) {
    this.names.delete(n);
  }
  async listUnfinished() {
    return [...this.temps].map(([n, modifiedAt]) => ({ name: n, modifiedAt }));
  }
  async removeUnfinished(n: string) {
    this.temps.delete(n);
  }
}

class FakeRows implements CheckedRows {
  rows = new Map<number, string>();
  pageSizes: number[] = [];

  async blobReferences(prefix: string, after: string, limit: number) {
    const page = [...this.rows]
      .map(([id, blobName]) => ({ id: String(id), blobName }))
      .filter((row) => row.blobName.startsWith(prefix) && row.blobName > after)
      .sort((a, b) => (a.blobName < b.blobName ? -1 : 1))
      .slice(0, limit);
    this.pageSizes.push(page.length);
    return page;
  }
  async isReferenced(blobName: string) {
    return [...this.rows.values()].includes(blobName);
  }
  async deleteIfBlob(id: string, blobName: string) {
    if (this.rows.get(Number(id)) !== blobName) return false;
    this.rows.delete(Number(id));
    return true;
  }
}

class FakeJournal implements CheckedJournal {
  entries: { blobName: string; createdAt: Date }[] = [];
  async isPending(blobName: string) {
    return this.entries.some((entry) => entry.blobName === blobName);
  }
  async pending() {
    return this.entries;
  }
}

function setUp() {
  const blobs = new FakeBlobs();
  const rows = new FakeRows();
  const journal = new FakeJournal();
  // Consistent: three rows with their blobs.
  for (const [id, hex] of [[1, "00aa"], [2, "7f01"], [3, "ff"]] as const) {
    rows.rows.set(id, name(hex));
    blobs.names.add(name(hex));
  }
  return { blobs, rows, journal };
}

const NOW = new Date("2026-11-27T12:00:00Z");
const minutesAgo = (minutes: number) => new Date(NOW.getTime() - minutes * 60_000);

describe("checkConsistency", () => {
  it("reports nothing for consistent storage, one prefix at a time", async () => {
    const deps = setUp();
    const report = await checkConsistency(deps, { repair: false, staleTempMs: 3_600_000, now: NOW });
    expect(report).toMatchObject({ rowsChecked: 3, blobsChecked: 3, rowsWithoutBlob: [], blobsWithoutRow: [], strayTemps: [], pendingWrites: 0 });
    expect(deps.blobs.listed).toHaveLength(256);
  });

  it("reports rows without blobs, blobs without rows and stale temporary files, and repairs them on request", async () => {
    const deps = setUp();
    deps.rows.rows.set(4, name("ab")); // its blob is gone
    deps.blobs.names.add(name("cd")); // no row
    deps.blobs.temps.set("stale", minutesAgo(120));
    deps.blobs.temps.set("live", minutesAgo(1));
    deps.journal.entries.push({ blobName: name("ee"), createdAt: minutesAgo(5) });

    const found = await checkConsistency(deps, { repair: false, staleTempMs: 3_600_000, now: NOW });
    expect(found).toMatchObject({ rowsWithoutBlob: [name("ab")], blobsWithoutRow: [name("cd")], strayTemps: ["stale"], tempsInProgress: 1, pendingWrites: 1, repaired: false });
    expect(found.oldestPendingWrite).toEqual(minutesAgo(5));
    expect(deps.rows.rows.has(4)).toBe(true);
    expect(deps.blobs.names.has(name("cd"))).toBe(true);

    const repaired = await checkConsistency(deps, { repair: true, staleTempMs: 3_600_000, now: NOW });
    expect(repaired).toMatchObject({ rowsWithoutBlob: [name("ab")], blobsWithoutRow: [name("cd")], strayTemps: ["stale"], repaired: true });
    expect(deps.rows.rows.has(4)).toBe(false);
    expect(deps.blobs.names.has(name("cd"))).toBe(false);
    expect([...deps.blobs.temps.keys()]).toEqual(["live"]);
    expect(await checkConsistency(deps, { repair: false, staleTempMs: 3_600_000, now: NOW })).toMatchObject({ rowsWithoutBlob: [], blobsWithoutRow: [], strayTemps: [] });
  });

  it("leaves alone a blob named in the write journal (a write in flight)", async () => {
    const deps = setUp();
    deps.blobs.names.add(name("cd"));
    deps.journal.entries.push({ blobName: name("cd"), createdAt: NOW });
    const report = await checkConsistency(deps, { repair: true, staleTempMs: 3_600_000, now: NOW });
    expect(report.blobsWithoutRow).toEqual([]);
    expect(deps.blobs.names.has(name("cd"))).toBe(true);
  });

  it("does not count a row whose blob was committed after the listing", async () => {
    const deps = setUp();
    deps.blobs.afterListing = {
      prefix: "ab",
      run: () => {
        deps.blobs.names.add(name("ab"));
        deps.rows.rows.set(4, name("ab"));
      },
    };
    const report = await checkConsistency(deps, { repair: true, staleTempMs: 3_600_000, now: NOW });
    expect(report.rowsWithoutBlob).toEqual([]);
    expect(deps.rows.rows.get(4)).toBe(name("ab"));
  });

  it("does not count a blob whose row was committed after the rows were read", async () => {
    const deps = setUp();
    deps.blobs.names.add(name("cd"));
    deps.journal.entries.push({ blobName: name("cd"), createdAt: NOW });
    const originalPage = deps.rows.blobReferences.bind(deps.rows);
    deps.rows.blobReferences = async (prefix, after, limit) => {
      const page = await originalPage(prefix, after, limit);
      if (prefix === "cd") {
        // The commit: the row points at the blob and the journal entry goes, together.
        deps.rows.rows.set(5, name("cd"));
        deps.journal.entries = [];
      }
      return page;
    };
    const report = await checkConsistency(deps, { repair: true, staleTempMs: 3_600_000, now: NOW });
    expect(report.blobsWithoutRow).toEqual([]);
    expect(deps.blobs.names.has(name("cd"))).toBe(true);
  });

  it("reads the rows of a prefix in pages", async () => {
    const deps = setUp();
    for (let i = 0; i < 12_000; i++) {
      const blobName = `aa${i.toString(16).padStart(62, "0")}.000000000000`;
      deps.rows.rows.set(100 + i, blobName);
      deps.blobs.names.add(blobName);
    }
    const report = await checkConsistency(deps, { repair: false, staleTempMs: 3_600_000, now: NOW });
    expect(report).toMatchObject({ rowsChecked: 12_003, blobsChecked: 12_003, rowsWithoutBlob: [], blobsWithoutRow: [] });
    expect(Math.max(...deps.rows.pageSizes)).toBe(5_000);
  });
});
