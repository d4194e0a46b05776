import { describe, expect, it } from "vitest";
import type { ImportRepository, ItemResult } from "./import-repository";
import { OutcomeRecorder } from "./outcome-recorder";

/** A repository whose next `failures` writes fail, as a full disk makes them. */
function repository() {
  const written: ItemResult[][] = [];
  let failures = 0;
  const fake = {
    record: async (_jobId: number, results: ItemResult[]) => {
      if (failures > 0) {
        failures -= 1;
        throw new Error("database or disk is full");
      }
      written.push(results);
    },
  };
  return { repo: fake as unknown as ImportRepository, written, failNext: (count: number) => (failures = count) };
}

const result = (id: number): ItemResult => ({ id, outcome: "noRule", reason: null, bytes: 0 });
const HOUR = 3_600_000;

describe("OutcomeRecorder", () => {
  it("writes what is buffered in one batch", async () => {
    const { repo, written } = repository();
    const recorder = new OutcomeRecorder(repo, 1, HOUR, () => undefined);
    recorder.add(result(1));
    recorder.add(result(2));
    expect(recorder.unwritten).toBe(2);
    await recorder.flush();
    expect(written).toEqual([[result(1), result(2)]]);
    expect(recorder.unwritten).toBe(0);
  });

  it("keeps the outcomes of a failed write and writes them with the next batch, in order", async () => {
    const { repo, written, failNext } = repository();
    const recorder = new OutcomeRecorder(repo, 1, HOUR, () => undefined);
    failNext(1);
    recorder.add(result(1));
    await expect(recorder.flush()).rejects.toThrow("disk is full");
    expect(recorder.unwritten).toBe(1);
    recorder.add(result(2));
    await recorder.flush();
    expect(written).toEqual([[result(1), result(2)]]);
  });

  it("writes every 64 outcomes without waiting for the interval, and reports a failed background write", async () => {
    const { repo, written, failNext } = repository();
    let reported!: (message: string) => void;
    const failure = new Promise<string>((resolve) => (reported = resolve));
    const recorder = new OutcomeRecorder(repo, 1, HOUR, (error) => reported(error.message));
    failNext(1);
    for (let id = 1; id <= 64; id++) recorder.add(result(id));
    expect(await failure).toBe("database or disk is full");
    expect(recorder.unwritten).toBe(64);
    for (let id = 65; id <= 128; id++) recorder.add(result(id));
    // The 128th outcome started a write of all 128; an empty flush waits for it.
    expect(recorder.unwritten).toBe(128);
    const before = written.length;
    await recorder.flush();
    expect(written.length).toBe(before + 1);
    expect(written.flat().map((item) => item.id)).toEqual(Array.from({ length: 128 }, (_, i) => i + 1));
  });
});
