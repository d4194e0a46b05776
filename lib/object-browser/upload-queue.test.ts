import { describe, expect, it } from "vitest";
import { UploadQueue } from "./upload-queue";

/** A controllable upload: the test decides when each one ends. */
function fakeStarts() {
  const started: { key: string; progress: (sent: number) => void; finish: () => void; fail: (message: string) => void; aborted: boolean }[] = [];
  const start = (key: string, _file: Blob, progress: (sent: number) => void) => {
    let finish!: () => void;
    let fail!: (message: string) => void;
    const done = new Promise<{ key: string; size: number; etag: string }>((resolve, reject) => {
      finish = () => resolve({ key, size: 1, etag: "x" });
      fail = (message) => reject(new Error(message));
    });
    const entry = { key, progress, finish, fail, aborted: false };
    started.push(entry);
    return { done, abort: () => ((entry.aborted = true), fail("Upload cancelled.")) };
  };
  return { started, start };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe("UploadQueue", () => {
  it("sends two at a time, reports progress, and starts the next when one ends", async () => {
    const { started, start } = fakeStarts();
    let uploaded = 0;
    const queue = new UploadQueue(start, () => (uploaded += 1), 2);
    queue.add(["a", "b", "c"].map((key) => ({ key, file: new Blob(["12345"]) })));
    expect(started.map((s) => s.key)).toEqual(["a", "b"]);
    expect(queue.getSnapshot().map((item) => item.state)).toEqual(["uploading", "uploading", "queued"]);
    started[0]!.progress(3);
    expect(queue.getSnapshot()[0]!.sent).toBe(3);
    started[0]!.finish();
    await settle();
    expect(uploaded).toBe(1);
    expect(started.map((s) => s.key)).toEqual(["a", "b", "c"]);
    expect(queue.getSnapshot().map((item) => [item.state, item.sent])).toEqual([["done", 5], ["uploading", 0], ["uploading", 0]]);
  });

  it("tells a failure from a cancel, and clears finished entries", async () => {
    const { started, start } = fakeStarts();
    const queue = new UploadQueue(start, () => undefined, 2);
    queue.add(["a", "b", "c"].map((key) => ({ key, file: new Blob(["x"]) })));
    started[0]!.fail("The object is larger than the limit.");
    queue.cancel(queue.getSnapshot()[1]!.id);
    queue.cancel(queue.getSnapshot()[2]!.id);
    await settle();
    expect(started[1]!.aborted).toBe(true);
    expect(queue.getSnapshot().map((item) => [item.key, item.state, item.error])).toEqual([
      ["a", "failed", "The object is larger than the limit."],
      ["b", "cancelled", undefined],
      ["c", "cancelled", undefined],
    ]);
    // "c" was cancelled while queued: it never started.
    expect(started.map((s) => s.key)).toEqual(["a", "b"]);
    queue.clearFinished();
    expect(queue.getSnapshot()).toEqual([]);
  });
});
