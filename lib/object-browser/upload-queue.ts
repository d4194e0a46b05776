/**
 * The console's upload queue: files wait, go up `atOnce` at a time, report progress, and can be
 * cancelled. A small store for useSyncExternalStore: every change makes a new snapshot array.
 */
import type { UploadHandle } from "./upload-request";

export type UploadState = "queued" | "uploading" | "done" | "failed" | "cancelled";

export interface UploadItem {
  id: number;
  key: string;
  size: number;
  sent: number;
  state: UploadState;
  error?: string;
}

/** Starts sending one file; calls `onProgress` with the bytes sent so far. */
export type StartUpload = (key: string, file: Blob, onProgress: (sent: number) => void) => UploadHandle;

export class UploadQueue {
  private items: readonly UploadItem[] = [];
  private readonly files = new Map<number, Blob>();
  private readonly handles = new Map<number, UploadHandle>();
  private readonly listeners = new Set<() => void>();
  private nextId = 1;

  constructor(
    private readonly start: StartUpload,
    /** After each successful upload (the listing is stale). */
    private readonly onUploaded: () => void,
    private readonly atOnce = 2,
  ) {}

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): readonly UploadItem[] => this.items;

  add(entries: { key: string; file: Blob }[]): void {
    const added = entries.map(({ key, file }) => {
      const id = this.nextId++;
      this.files.set(id, file);
      return { id, key, size: file.size, sent: 0, state: "queued" as const };
    });
    this.set([...this.items, ...added]);
    this.pump();
  }

  cancel(id: number): void {
    const handle = this.handles.get(id);
    this.handles.delete(id);
    this.files.delete(id);
    this.patch(id, { state: "cancelled" });
    handle?.abort();
  }

  clearFinished(): void {
    this.set(this.items.filter((item) => item.state === "queued" || item.state === "uploading"));
  }

  /** Stops everything still on the wire (the page is going away). */
  abortAll(): void {
    for (const id of [...this.handles.keys()]) this.cancel(id);
  }

  private pump(): void {
    let running = this.items.filter((item) => item.state === "uploading").length;
    for (const item of this.items) {
      if (running >= this.atOnce) return;
      if (item.state !== "queued") continue;
      running += 1;
      this.patch(item.id, { state: "uploading" });
      const handle = this.start(item.key, this.files.get(item.id)!, (sent) => this.patch(item.id, { sent }));
      this.handles.set(item.id, handle);
      handle.done.then(
        () => {
          this.patch(item.id, { state: "done", sent: item.size });
          this.onUploaded();
        },
        (error: Error) => {
          // A cancelled upload was marked so by cancel(); anything else failed.
          if (this.handles.has(item.id)) this.patch(item.id, { state: "failed", error: error.message });
        },
      ).finally(() => {
        this.handles.delete(item.id);
        this.files.delete(item.id);
        this.pump();
      });
    }
  }

  private patch(id: number, change: Partial<UploadItem>): void {
    this.set(this.items.map((item) => (item.id === id ? { ...item, ...change } : item)));
  }

  private set(items: readonly UploadItem[]): void {
    this.items = items;
    for (const listener of this.listeners) listener();
  }
}
