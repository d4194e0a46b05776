import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { WAIT_TIMEOUT_MS } from "@/tests/support/timeouts";
import { waitFor } from "@/tests/support/wait";
import { createLogger, rawLineWriter } from "./logger";

const loggerModule = path.join(path.dirname(new URL(import.meta.url).pathname), "logger.ts");

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "logger-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Runs a process that logs `count` lines (pino's own with a `pad` field, and hand-written ones
 * through rawLineWriter, alternating) to `to` and then ends as `ending` says; returns what it wrote there.
 */
function logThenEnd(count: number, ending: string, to: "stdout" | "file", pad = '""'): string[] {
  const file = path.join(dir, "log");
  const script = path.join(dir, "script.mts");
  writeFileSync(
    script,
    `import { createLogger, rawLineWriter } from ${JSON.stringify(loggerModule)};
const logger = createLogger({ level: "info", ${to === "file" ? `to: ${JSON.stringify(file)}` : ""} });
const raw = rawLineWriter(logger)!;
// The file opens asynchronously; a line logged at once waits in the batch either way.
await new Promise((resolve) => setTimeout(resolve, 50));
for (let i = 0; i < ${count}; i++) {
  if (i % 2 === 0) logger.info({ i, pad: ${pad} }, "pino");
  else raw(JSON.stringify({ i, msg: "raw" }) + "\\n");
}
${ending}
`,
  );
  const child = spawnSync(process.execPath, ["--import", "tsx", script], { encoding: "utf8", timeout: WAIT_TIMEOUT_MS });
  expect(child.stderr).toBe("");
  expect(child.status).toBe(0);
  const output = to === "file" ? readFileSync(file, "utf8") : child.stdout;
  return output.split("\n").filter(Boolean);
}

const expectAllInOrder = (lines: string[], count: number) => {
  expect(lines.map((line) => (JSON.parse(line) as { i: number }).i)).toEqual(Array.from({ length: count }, (_, i) => i));
};

describe("the logger's batched lines", () => {
  // Fewer than a batch: nothing has been written when the process ends.
  it.each([
    ["process.exit, as at shutdown, to stdout", "process.exit(0);", "stdout"],
    ["process.exit, to a file", "process.exit(0);", "file"],
    ["the event loop running dry, to stdout", "", "stdout"],
    ["the event loop running dry, to a file", "", "file"],
  ] as const)("are all written, in order, when the process ends by %s", (_name, ending, to) => {
    expectAllInOrder(logThenEnd(20, ending, to), 20);
  });

  it("are written in order across several batches", () => {
    // ~30 bytes a line: a dozen batches of 32 KiB, the last one partial.
    expectAllInOrder(logThenEnd(12_345, "process.exit(0);", "file"), 12_345);
  });

  it("keep long lines and characters of several bytes whole", () => {
    // Every 50th line is longer than a batch; the others carry 2- and 4-byte characters across batch boundaries.
    const pad = '(i % 50 === 0 ? "é".repeat(40_000) : "é😀".repeat(i % 40))';
    const lines = logThenEnd(2_000, "process.exit(0);", "file", pad);
    expectAllInOrder(lines, 2_000);
    const pads = lines.map((line) => JSON.parse(line) as { i: number; pad?: string }).filter((line) => line.pad !== undefined);
    for (const { i, pad: value } of pads) expect(value).toBe(i % 50 === 0 ? "é".repeat(40_000) : "é😀".repeat(i % 40));
  });
});

describe("a line's wait (flushMs, LOG_FLUSH_MS)", () => {
  const fileText = (file: string) => {
    try {
      return readFileSync(file, "utf8");
    } catch {
      return "";
    }
  };

  it("writes a lone line once its wait is up, without another line coming", async () => {
    const file = path.join(dir, "short.log");
    const logger = createLogger({ level: "info", flushMs: 20, to: file });
    rawLineWriter(logger)!('{"n":1}\n');
    await waitFor(() => fileText(file) !== "", "the line");
    expect(fileText(file)).toBe('{"n":1}\n');
  });

  it("keeps lines for as long as it says, and writes them in order when flushed", async () => {
    const file = path.join(dir, "long.log");
    const logger = createLogger({ level: "info", flushMs: 60_000, to: file });
    rawLineWriter(logger)!('{"n":1,"msg":"raw"}\n');
    logger.info({ n: 2 }, "pino");
    // Several 250 ms default waits: nothing is written yet (a slow machine only makes that likelier).
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(fileText(file)).toBe("");
    await new Promise<void>((resolve, reject) => logger.flush((error) => (error ? reject(error) : resolve())));
    const lines = fileText(file).split("\n").filter(Boolean).map((line) => JSON.parse(line) as { n: number; msg: string });
    expect(lines.map(({ n, msg }) => `${msg}${n}`)).toEqual(["raw1", "pino2"]);
  });
});
