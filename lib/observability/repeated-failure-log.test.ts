import { describe, expect, it } from "vitest";
import type { Logger } from "./logger";
import { RepeatedFailureLog } from "./repeated-failure-log";

function recordingLogger() {
  const lines: { level: string; fields: Record<string, unknown>; message: string }[] = [];
  const at = (level: string) => (fields: Record<string, unknown>, message: string) => lines.push({ level, fields, message });
  return { lines, logger: { warn: at("warn"), error: at("error") } as unknown as Logger };
}

describe("RepeatedFailureLog", () => {
  it("logs the first failure of a kind in full, counts the rest of the window, and reports the count with the next line", () => {
    const { lines, logger } = recordingLogger();
    let now = 1_000;
    const log = new RepeatedFailureLog(logger, 10_000, () => now);
    expect(log.log("warn", "busy", { requestId: "a" }, "database busy")).toBe(true);
    now += 100;
    expect(log.log("warn", "busy", { requestId: "b" }, "database busy")).toBe(false);
    now += 9_000;
    expect(log.log("warn", "busy", { requestId: "c" }, "database busy")).toBe(false);
    now += 900; // 10 s after the first
    expect(log.log("warn", "busy", { requestId: "d" }, "database busy")).toBe(true);
    expect(lines).toEqual([
      { level: "warn", fields: { requestId: "a" }, message: "database busy" },
      { level: "warn", fields: { requestId: "d", alikeNotLogged: 2, sinceMs: 10_000 }, message: "database busy" },
    ]);
  });

  it("keeps each kind apart, and says nothing about left-out lines when there were none", () => {
    const { lines, logger } = recordingLogger();
    let now = 0;
    const log = new RepeatedFailureLog(logger, 10_000, () => now);
    log.log("warn", "busy", { requestId: "a" }, "database busy");
    expect(log.log("error", "full", { requestId: "b" }, "storage full")).toBe(true);
    now = 20_000;
    log.log("error", "full", { requestId: "c" }, "storage full");
    expect(lines.map((line) => [line.level, line.fields])).toEqual([
      ["warn", { requestId: "a" }],
      ["error", { requestId: "b" }],
      ["error", { requestId: "c" }],
    ]);
  });
});
