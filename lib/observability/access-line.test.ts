import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import pino from "pino";
import { describe, expect, it } from "vitest";
import type { RequestId } from "./request-id";
import { accessLog, epochMs, formatAccessLine, type AccessLineFields } from "./access-line";
import { createLogger, type Logger } from "./logger";

/** Runs `log` with a logger writing to a fresh file, and returns the file's lines once flushed. */
async function linesLoggedBy(log: (logger: Logger) => void): Promise<Record<string, unknown>[]> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "access-line-"));
  try {
    const file = path.join(dir, "log");
    const logger = createLogger({ level: "info", to: file });
    log(logger);
    await new Promise<void>((resolve) => logger.flush(() => resolve()));
    return readFileSync(file, "utf8").trim().split("\n").map((line) => JSON.parse(line) as Record<string, unknown>);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const TIME = 1_764_220_000_123;

/** What pino itself writes for the same line: the reference the hand-written one must equal. */
function pinoLine(fields: AccessLineFields): string {
  let written = "";
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      written += chunk.toString("utf8");
      done();
    },
  });
  const logger = pino({ base: { pid: 4242 }, timestamp: () => `,"time":${TIME}` }, sink);
  const { requestId, protocol, operation, method, bucket, key, status, bytes, durationMs, aborted } = fields;
  const line = { event: "request", requestId, protocol, operation, method, bucket, key, status, bytes, durationMs, ...(aborted ? { aborted } : {}) };
  if (status >= 500) logger.error(line, "request");
  else logger.info(line, "request");
  return written;
}

const base: AccessLineFields = {
  requestId: "0f8fad5b-d9cb-469f-a165-70867728950e" as RequestId,
  protocol: "bos",
  operation: "GetObject",
  method: "GET",
  bucket: "bench",
  key: "small.bin",
  status: 200,
  bytes: 4400,
  durationMs: 0.4,
};

describe("the access line", () => {
  it.each<[string, AccessLineFields]>([
    ["a hit", base],
    ["a server error (error level)", { ...base, status: 503 }],
    ["an aborted response", { ...base, aborted: true }],
    ["no bucket, key or request id", { ...base, requestId: null, bucket: null, key: null, operation: "Unresolved" }],
    ["keys that need escaping", { ...base, key: 'a"b\\c\nd\u0001é😀\u2028', bucket: "b" }],
    ["a missing method and fractional numbers", { ...base, method: undefined, durationMs: 1234.5, bytes: 0 }],
    ["a key with nothing to escape, not all ASCII", { ...base, key: "dir/é文件 \u2028\u007f~.bin" }],
    ["a long key with a quote", { ...base, key: `${"k".repeat(120)}"` }],
  ])("is byte for byte the line pino writes: %s", (_name, fields) => {
    expect(formatAccessLine(fields, TIME, 4242)).toBe(pinoLine(fields));
  });

  it.each(["plain", "", "é\u2028", "a\"b", "a\\b", "\t", "\u001f", "😀", "\ud800", "x\udfff", "\u007f"])("writes %j in a string field as JSON.stringify does", (value) => {
    // Not the request id: a RequestId needs no escaping (request-id.test.ts).
    for (const field of ["protocol", "operation", "method", "bucket", "key"] as const) {
      expect(formatAccessLine({ ...base, [field]: value }, TIME, 4242)).toContain(`"${field}":${JSON.stringify(value)},`);
    }
  });

  it("writes numbers as JSON.stringify does (durations from their tenths, a time shared by the lines of a millisecond)", () => {
    const durations = [0, -0, 0.1, 0.3, 0.7, 1, 9.9, 10, 12.3, 999.9, 1234.5, 86_400_000.1, 107_374_182.3, 107_374_182.4, 2 ** 40 + 0.5, 0.05, 2.25, 1 / 3, -1.5, -0.4, 1e21, Number.NaN, Infinity, -Infinity];
    for (let tenths = 0; tenths < 20_000; tenths += 7) durations.push(Math.round(tenths) / 10);
    for (const durationMs of durations) {
      expect(formatAccessLine({ ...base, durationMs }, TIME, 4242)).toContain(`"durationMs":${JSON.stringify(durationMs) ?? "null"},`);
    }
    for (const time of [TIME, TIME, TIME + 1, TIME + 877, TIME + 1000, TIME - 123, TIME - 124, 1000, 1001, 1999, 2000, 999, 0, 12, 1.5e12 + 0.5, -5, Number.NaN, TIME]) expect(formatAccessLine(base, time, 4242)).toContain(`"time":${JSON.stringify(time)},`);
  });

  it("writes keys longer than a batch whole, in order", async () => {
    const keys = ["a", "é".repeat(20_000), 'q"'.repeat(9_000), "b", "c".repeat(60_000), "d"];
    const lines = await linesLoggedBy((logger) => {
      const write = accessLog(logger);
      for (const key of keys) write({ ...base, key });
    });
    expect(lines.map((line) => line.key)).toEqual(keys);
  });

  it("is written as its UTF-8 bytes whichever field holds characters beyond ASCII (ASCII lines go as Latin-1)", async () => {
    const cases: AccessLineFields[] = [
      base,
      { ...base, key: "dir/é文件.bin" },
      { ...base, key: "😀" },
      { ...base, key: 'q"é' },
      { ...base, key: "\u007f~" },
      { ...base, key: null },
      { ...base, bucket: "bücket" },
      // The same names again: their piece, kept, still counts as not ASCII.
      { ...base, bucket: "bücket", key: "second" },
      { ...base, bucket: 'b"\\' },
      { ...base, operation: "Gét" },
      { ...base, method: "GËT" },
      { ...base, protocol: "bös" },
      { ...base, requestId: null },
      base,
    ];
    const lines = await linesLoggedBy((logger) => {
      const write = accessLog(logger);
      for (const fields of cases) write(fields);
    });
    expect(lines.map(({ requestId, protocol, operation, method, bucket, key }) => ({ requestId, protocol, operation, method, bucket, key }))).toEqual(
      cases.map(({ requestId, protocol, operation, method, bucket, key }) => ({ requestId, protocol, operation, method, bucket, key })),
    );
  });

  it("has every line written when flush answers, each with its request's own fields", async () => {
    // Several batches, the last ones handed over while the destination is still writing (SonicBoom's
    // own flush answered then with up to 32 KiB unwritten); each line made later, from its own object.
    const count = 1_000;
    const lines = await linesLoggedBy((logger) => {
      const write = accessLog(logger);
      for (let i = 0; i < count; i++) {
        write({ ...base, key: `k${i}`, status: i % 7 === 0 ? 503 : 200, bytes: i, durationMs: i / 10, ...(i % 5 === 0 ? { aborted: true } : {}) });
        if (i % 97 === 0) logger.info({ event: "other" }, "between");
      }
    });
    const requests = lines.filter((line) => line.msg === "request");
    expect(requests.map((line) => [line.key, line.level, line.status, line.bytes, line.durationMs, line.aborted ?? false])).toEqual(
      Array.from({ length: count }, (_, i) => [`k${i}`, i % 7 === 0 ? 50 : 30, i % 7 === 0 ? 503 : 200, i, i / 10, i % 5 === 0]),
    );
    // pino's lines keep their places among them.
    expect(lines.findIndex((line) => line.msg === "between")).toBe(1);
    expect(lines.filter((line) => line.msg === "between")).toHaveLength(Math.ceil(count / 97));
  });

  it("dates a line with the wall clock, read from the monotonic one", () => {
    for (let i = 0; i < 5; i++) {
      const before = Date.now();
      const time = epochMs();
      const after = Date.now();
      // At most a millisecond early (Date.now() is read once a second and the monotonic clock added).
      expect(time).toBeGreaterThanOrEqual(before - 1);
      expect(time).toBeLessThanOrEqual(after);
      expect(Number.isInteger(time)).toBe(true);
    }
  });

  it("goes to the logger's destination, batched with pino's own lines", async () => {
    const lines = await linesLoggedBy((logger) => {
      logger.info({ event: "other" }, "before");
      accessLog(logger)(base);
    });
    expect(lines.map((line) => line.msg)).toEqual(["before", "request"]);
    expect(lines[1]).toMatchObject({ level: 30, pid: process.pid, event: "request", key: "small.bin", status: 200 });
    expect(Math.abs((lines[1]!.time as number) - Date.now())).toBeLessThan(60_000);
  });

  it("goes through pino for a logger it did not build", () => {
    let written = "";
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        written += chunk.toString("utf8");
        done();
      },
    });
    accessLog(pino({ base: { pid: 1 } }, sink))(base);
    expect(JSON.parse(written)).toMatchObject({ level: 30, event: "request", operation: "GetObject", msg: "request" });
  });
});
