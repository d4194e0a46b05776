/**
 * The full consistency check of rows against blobs (`npm run fsck`): rows whose blob is missing,
 * blobs no row points at, temporary files no write will finish. Start-up does not do this any
 * more (it only resolves the write journal); this is for after a disk was restored, copied or
 * damaged, or on a schedule.
 *
 * It walks one blob-name prefix (a shard: two hex digits) at a time, merging the store's listing
 * with the rows of that prefix read in name order, so memory grows with a shard, not the bucket.
 * It is safe while the server runs: a blob written at this moment is named in the write journal,
 * every finding is checked once more right before it is reported, and a repair only deletes a row
 * that still points at the same missing blob.
 */

export interface CheckedBlobs {
  /** Committed blob names that begin with `prefix`. */
  listNames(prefix: string): Promise<string[]>;
  has(name: string): Promise<boolean>;
  remove(name: string): Promise<void>;
  /** Temporary files of unfinished writes, with when they were last written. */
  listUnfinished(): Promise<{ name: string; modifiedAt: Date }[]>;
  removeUnfinished(name: string): Promise<void>;
}

export interface CheckedRows {
  /**
   * Up to `limit` rows that point at a blob whose name begins with `prefix` and sorts after
   * `after`, by blob name; `id` names the row (opaque: objects, segments and parts are rows).
   */
  blobReferences(prefix: string, after: string, limit: number): Promise<{ id: string; blobName: string }[]>;
  isReferenced(blobName: string): Promise<boolean>;
  /** Repairs row `id` (deletes what it belongs to) if it still points at `blobName`; true when it did. */
  deleteIfBlob(id: string, blobName: string): Promise<boolean>;
}

export interface CheckedJournal {
  isPending(blobName: string): Promise<boolean>;
  pending(): Promise<{ createdAt: Date }[]>;
}

export interface CheckOptions {
  repair: boolean;
  /** A temporary file not written for this long belongs to no live write (the idle timeouts are shorter). */
  staleTempMs: number;
  now?: Date;
  /** Called after each prefix, for progress output. */
  onPrefix?: (prefix: string) => void;
}

export interface CheckReport {
  rowsChecked: number;
  blobsChecked: number;
  rowsWithoutBlob: string[];
  blobsWithoutRow: string[];
  strayTemps: string[];
  /** Temporary files written recently: writes in progress, left alone. */
  tempsInProgress: number;
  /** Journal entries (writes in progress, or left by a crash: resolved at the next start). */
  pendingWrites: number;
  oldestPendingWrite: Date | null;
  repaired: boolean;
}

/** Blob names are lowercase hex: these 256 prefixes cover them all. */
export const BLOB_NAME_PREFIXES = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

const ROW_PAGE = 5_000;

export async function checkConsistency(
  deps: { blobs: CheckedBlobs; rows: CheckedRows; journal: CheckedJournal },
  options: CheckOptions,
): Promise<CheckReport> {
  const { blobs, rows, journal } = deps;
  const report: CheckReport = {
    rowsChecked: 0,
    blobsChecked: 0,
    rowsWithoutBlob: [],
    blobsWithoutRow: [],
    strayTemps: [],
    tempsInProgress: 0,
    pendingWrites: 0,
    oldestPendingWrite: null,
    repaired: options.repair,
  };

  for (const prefix of BLOB_NAME_PREFIXES) {
    const files = new Set(await blobs.listNames(prefix));
    report.blobsChecked += files.size;
    const matched = new Set<string>();
    let after = "";
    for (;;) {
      const page = await rows.blobReferences(prefix, after, ROW_PAGE);
      for (const row of page) {
        report.rowsChecked += 1;
        if (files.has(row.blobName)) matched.add(row.blobName);
        // Once more, now: the blob may have been committed after the listing, or the row moved on.
        else if (!(await blobs.has(row.blobName)) && (await rows.isReferenced(row.blobName))) {
          if (options.repair && !(await rows.deleteIfBlob(row.id, row.blobName))) continue;
          report.rowsWithoutBlob.push(row.blobName);
        }
      }
      if (page.length < ROW_PAGE) break;
      after = page[page.length - 1]!.blobName;
    }
    for (const name of files) {
      if (matched.has(name)) continue;
      // In this order: a commit removes the journal entry and points the row at the blob at once.
      if ((await journal.isPending(name)) || (await rows.isReferenced(name))) continue;
      if (options.repair) await blobs.remove(name);
      report.blobsWithoutRow.push(name);
    }
    options.onPrefix?.(prefix);
  }

  const staleBefore = (options.now ?? new Date()).getTime() - options.staleTempMs;
  for (const temp of await blobs.listUnfinished()) {
    if (temp.modifiedAt.getTime() > staleBefore) {
      report.tempsInProgress += 1;
      continue;
    }
    if (options.repair) await blobs.removeUnfinished(temp.name);
    report.strayTemps.push(temp.name);
  }

  const pending = await journal.pending();
  report.pendingWrites = pending.length;
  report.oldestPendingWrite = pending[0]?.createdAt ?? null;
  return report;
}
