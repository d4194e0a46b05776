import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { WAIT_TIMEOUT_MS } from "@/tests/support/timeouts";
import { waitFor } from "@/tests/support/wait";
import { createLogger, rawLines } from "./logger";

const loggerModule = path.join(path.dirname(new URL(import.meta.url).pathname), "logger.ts");

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "logger-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Runs a process that logs `count` lines (in turn: pino's own with a `pad` field, a hand-written one
 * through rawLines' write, and one deferred through its defer) to `to` and then ends as `ending`
 * says; returns what it wrote there.
 */
function logThenEnd(count: number, ending: string, to: "stdout" | "file", pad = '""'): string[] {
  const file = path.join(dir, "log");
  const script = path.join(dir, "script.mts");
  writeFileSync(
    script,
    `import { createLogger, rawLines } from ${JSON.stringify(loggerModule)};
const logger = createLogger({ level: "info", ${to === "file" ? `to: ${JSON.stringify(file)}` : ""} });
const raw = rawLines(logger)!;
const deferred = { line: (item, time) => JSON.stringify({ i: item.i, msg: "deferred", time }) + "\\n", lastAscii: true };
// The file opens asynchronously; a line logged at once waits in the batch either way.
await new Promise((resolve) => setTimeout(resolve, 50));
for (let i = 0; i < ${count}; i++) {
  if (i % 3 === 0) logger.info({ i, pad: ${pad} }, "pino");
  else if (i % 3 === 1) raw.write(JSON.stringify({ i, msg: "raw" }) + "\\n");
  else raw.defer({ i }, 1000 + i, deferred);
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
  const parsed = lines.map((line) => JSON.parse(line) as { i: number; msg: string; time: number });
  expect(parsed.map((line) => line.i)).toEqual(Array.from({ length: count }, (_, i) => i));
  // Each deferred line made from its own item, with the time it was deferred with.
  for (const line of parsed.filter((line) => line.i % 3 === 2)) expect(line).toEqual({ i: line.i, msg: "deferred", time: 1000 + line.i });
};

describe("the logger's batched lines", () => {
  // Fewer than a batch: nothing has been written when the process ends, and the last line is deferred.
  it.each([
    ["process.exit, as at shutdown, to stdout", "process.exit(0);", "stdout"],
    ["process.exit, to a file", "process.exit(0);", "file"],
    ["the event loop running dry, to stdout", "", "stdout"],
    ["the event loop running dry, to a file", "", "file"],
  ] as const)("are all written, in order, when the process ends by %s", (_name, ending, to) => {
    expectAllInOrder(logThenEnd(21, ending, to), 21);
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

describe("the batches' buffers", () => {
  it("are used again once written, and no line is overwritten", async () => {
    const file = path.join(dir, "reused.log");
    const logger = createLogger({ level: "info", flushMs: 60_000, to: file });
    const raw = rawLines(logger)!;
    // ~60 bytes a line: each round fills more than a batch, and its writes end before the next round's lines.
    const rounds = 30;
    const perRound = 800;
    let handed = 0;
    for (let round = 0; round < rounds; round++) {
      for (let i = 0; i < perRound; i++) raw.write(`${JSON.stringify({ n: handed++, pad: "x".repeat(40) })}\n`, true);
      await new Promise<void>((resolve, reject) => logger.flush((error) => (error ? reject(error) : resolve())));
    }
    const lines = readFileSync(file, "utf8").split("\n").filter(Boolean);
    expect(lines.map((line) => (JSON.parse(line) as { n: number }).n)).toEqual(Array.from({ length: rounds * perRound }, (_, n) => n));
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
    rawLines(logger)!.write('{"n":1}\n');
    await waitFor(() => fileText(file) !== "", "the line");
    expect(fileText(file)).toBe('{"n":1}\n');
  });

  it("makes and writes a lone deferred line once its wait is up", async () => {
    const file = path.join(dir, "deferred.log");
    const logger = createLogger({ level: "info", flushMs: 20, to: file });
    rawLines(logger)!.defer({ n: 2 }, 7, { line: (item, time) => `${JSON.stringify({ ...item, time })}\n`, lastAscii: true });
    await waitFor(() => fileText(file) !== "", "the line");
    expect(fileText(file)).toBe('{"n":2,"time":7}\n');
  });

  it("keeps lines for as long as it says, and writes them in order when flushed", async () => {
    const file = path.join(dir, "long.log");
    const logger = createLogger({ level: "info", flushMs: 60_000, to: file });
    rawLines(logger)!.write('{"n":1,"msg":"raw"}\n');
    rawLines(logger)!.defer({ n: 2 }, 0, { line: (item) => `${JSON.stringify({ ...item, msg: "deferred" })}\n`, lastAscii: true });
    logger.info({ n: 3 }, "pino");
    // Several 250 ms default waits: nothing is written yet (a slow machine only makes that likelier).
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(fileText(file)).toBe("");
    await new Promise<void>((resolve, reject) => logger.flush((error) => (error ? reject(error) : resolve())));
    const lines = fileText(file).split("\n").filter(Boolean).map((line) => JSON.parse(line) as { n: number; msg: string });
    expect(lines.map(({ n, msg }) => `${msg}${n}`)).toEqual(["raw1", "deferred2", "pino3"]);
  });
});
