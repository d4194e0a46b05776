/**
 * Batches item outcomes into one transaction every few milliseconds (or every FLUSH_ITEMS), so a
 * job of many small objects is not bound by one database commit per key. An outcome not yet
 * written when the process dies leaves its item claimed: the next run does it again, and finds
 * it stored (import-run.ts counts that as pulled).
 *
 * A write that fails (a full disk, a busy database) loses nothing: its outcomes go back to the
 * front of the buffer and are written with the next batch. `unwritten` lets the run stop starting
 * keys while the database is not taking their outcomes, instead of claiming the whole list.
 */
import type { ImportRepository, ItemResult } from "./import-repository";

const FLUSH_ITEMS = 64;

export class OutcomeRecorder {
  private buffer: ItemResult[] = [];
  private timer: NodeJS.Timeout | null = null;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly repository: ImportRepository,
    private readonly jobId: number,
    private readonly flushIntervalMs: number,
    /** Hears of a background write that failed (its outcomes are kept for the next one). */
    private readonly onError: (error: Error) => void,
  ) {}

  /** Outcomes not yet in the database. */
  get unwritten(): number {
    return this.buffer.length;
  }

  add(result: ItemResult): void {
    this.addAll([result]);
  }

  /** Several outcomes at once (a claimed batch's keys that needed no origin): one write for them all. */
  addAll(results: readonly ItemResult[]): void {
    if (results.length === 0) return;
    const before = this.buffer.length;
    this.buffer.push(...results);
    if (Math.floor(this.buffer.length / FLUSH_ITEMS) > Math.floor(before / FLUSH_ITEMS)) this.flushInBackground();
    else this.timer ??= setTimeout(() => this.flushInBackground(), this.flushIntervalMs);
  }

  /**
   * Writes what is buffered, after every earlier write. Rejects when the write fails; the
   * outcomes stay buffered for the next attempt.
   */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const written = this.writing.then(async () => {
      const batch = this.buffer;
      if (batch.length === 0) return;
      this.buffer = [];
      try {
        await this.repository.record(this.jobId, batch);
      } catch (error) {
        this.buffer = [...batch, ...this.buffer];
        throw error;
      }
    });
    this.writing = written.catch(() => undefined);
    return written;
  }

  private flushInBackground(): void {
    this.flush().catch((error: unknown) => {
      this.onError(error as Error);
      // Tried again after the interval, or sooner when enough outcomes arrive.
      this.timer ??= setTimeout(() => this.flushInBackground(), this.flushIntervalMs);
    });
  }
}
