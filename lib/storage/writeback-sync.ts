/**
 * Makes the fsync before a commit short by starting it early. A commit must fsync the temp file,
 * and with the whole body still dirty in the page cache that one fsync waits for all of it to
 * reach the disk (~100 ms for 64 MiB here), after the last byte arrived: time a mirror client
 * waits with everything but its last byte. Here a datasync is started in the background (on the
 * thread pool) each time `everyBytes` more have been written, while the body is still arriving, so
 * the disk works alongside the network and the final fsync only has the tail left.
 *
 * The guarantee is unchanged: `finish()` still runs a full fsync of the file after every write.
 * A background datasync that fails (EIO, ENOSPC on a thin device) fails `finish()`.
 */

export interface Syncable {
  datasync(): Promise<void>;
  sync(): Promise<void>;
}

export interface WritebackSyncOptions {
  /** Start a datasync once this many bytes were written since the last one started. Default 8 MiB. */
  everyBytes?: number;
}

export class WritebackSync {
  private readonly everyBytes: number;
  private unsynced = 0;
  private running: Promise<void> | null = null;
  private failure: Error | null = null;
  /** Background datasyncs started (for tests and figures). */
  started = 0;

  constructor(
    private readonly file: Syncable,
    { everyBytes = 8 * 1024 * 1024 }: WritebackSyncOptions = {},
  ) {
    this.everyBytes = everyBytes;
  }

  /** Call once `bytes` more have been written to the file (the write has resolved). */
  wrote(bytes: number): void {
    this.unsynced += bytes;
    if (this.running || this.failure || this.unsynced < this.everyBytes) return;
    this.unsynced = 0;
    this.started += 1;
    this.running = this.file.datasync().then(
      () => {
        this.running = null;
      },
      (error: Error) => {
        this.running = null;
        this.failure ??= error;
      },
    );
  }

  /** Every write is done: waits for a background datasync, then fsyncs (data and metadata). */
  async finish(): Promise<void> {
    if (this.running) await this.running;
    if (this.failure) throw this.failure;
    await this.file.sync();
  }

  /** The write is abandoned: resolves once no datasync is running (the file may be closed then). */
  async settle(): Promise<void> {
    if (this.running) await this.running;
  }
}
