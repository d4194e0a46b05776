import { describe, expect, it } from "vitest";
import type { ImportJobView } from "@/lib/imports/import-schema";
import { formatDuration, verdict } from "./import-format";

const job = (patch: Partial<ImportJobView>): ImportJobView => ({
  id: 1, bucket: "b", state: "completed", source: { type: "keys" }, concurrency: 4, overwrite: false, requestsPerSecond: null, bytesPerSecond: null,
  total: 10, pulled: 10, skipped: 0, missing: 0, failed: 0, noRule: 0, bytes: 0, listing: false, error: null,
  createdAt: "", startedAt: null, endedAt: null, rate: { keysPerSecond: 0, bytesPerSecond: 0 }, etaSeconds: null, ...patch,
});

describe("import figures", () => {
  it("formats durations (bytes: lib/format-bytes.test.ts)", () => {
    expect(formatDuration(0.2)).toBe("1 s");
    expect(formatDuration(125)).toBe("2 min 5 s");
    expect(formatDuration(7260)).toBe("2 h 1 min");
  });

  it("says plainly whether the bucket still depends on its origin", () => {
    expect(verdict(job({}))!.text).toMatch(/no longer depends on its origin for these 10 key/);
    expect(verdict(job({ state: "completed_with_failures", failed: 2 }))).toMatchObject({ tone: "bad", text: expect.stringMatching(/still depends on its origin/) });
    expect(verdict(job({ missing: 1 }))!.text).toMatch(/1 key was not at the origin and 0 keys matched no rule/);
    expect(verdict(job({ state: "running" }))).toBeNull();
  });
});
