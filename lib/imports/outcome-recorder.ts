/**
 * Batches item outcomes into one transaction every few milliseconds (or every FLUSH_ITEMS), so a
 * job of many small objects is not bound by one database commit per key. An outcome not yet
 * flushed when the process dies leaves its item claimed: the next run does it again, and finds
 * it stored (import-run.ts counts that as pulled).
 */
import type { ImportRepository, ItemResult } from "./import-repository";

const FLUSH_ITEMS = 64;

export class OutcomeRecorder {
  private buffer: ItemResult[] = [];
  private timer: NodeJS.Timeout | null = null;
  private writing: Promise<void> = Promise.resolve();
  private failure: Error | null = null;

  constructor(
    private readonly repository: ImportRepository,
    private readonly jobId: number,
    private readonly flushIntervalMs: number,
  ) {}

  add(result: ItemResult): void {
    this.buffer.push(result);
    if (this.buffer.length >= FLUSH_ITEMS) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), this.flushIntervalMs);
  }

  /** Writes what is buffered; resolves once every earlier write is done. Rejects if any write failed. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batch = this.buffer;
    this.buffer = [];
    this.writing = this.writing.then(async () => {
      try {
        await this.repository.record(this.jobId, batch);
      } catch (error) {
        this.failure ??= error as Error;
      }
    });
    return this.writing.then(() => {
      if (this.failure) throw this.failure;
    });
  }
}
