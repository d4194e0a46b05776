/**
 * CPU cost per request of the access line and request metrics alone (lib/http/request-telemetry.ts),
 * without HTTP: a stand-in request and response, closed at once, many times. Prints the median µs
 * per request (and range) of 7 alternating rounds for: nothing observed (LOG_LEVEL=silent, no
 * metrics), metrics only, log only (to a file), both.
 * As in the app once Next has started: Next's node environment is loaded (it wraps Date.now, which
 * the access line reads) and an AsyncLocalStorage has been used (Next runs every console request in
 * several), which turns on async hooks for every promise and tick from then on.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { EventEmitter } from "node:events";
import type { IncomingMessage, ServerResponse } from "node:http";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { newRequestId } from "@/lib/observability/request-id";
import { observeRequest } from "@/lib/http/request-telemetry";
import { createLogger } from "@/lib/observability/logger";
import { AppMetrics } from "@/lib/observability/metrics";

import "next/dist/server/node-environment";

new AsyncLocalStorage<number>().run(1, () => undefined);
const N = 100_000;
const ROUNDS = 7;
const dir = mkdtempSync(path.join(os.tmpdir(), "telemetry-micro-"));

const REQUEST_ID = newRequestId();
const noHeader = () => undefined;
function fakeExchange() {
  const socket = { bytesWritten: 0 };
  const req = { socket, method: "GET" } as unknown as IncomingMessage;
  // getHeader made once: tsx names every arrow function it creates, which was most of the baseline.
  const res = Object.assign(new EventEmitter(), { statusCode: 200, writableFinished: true, getHeader: noHeader }) as unknown as ServerResponse;
  return { req, res, socket };
}

type Telemetry = Parameters<typeof observeRequest>[0];

/** CPU µs per request (all threads: the log's file writes run on libuv's pool) for N requests. */
async function run(telemetry: Telemetry): Promise<number> {
  const start = process.cpuUsage();
  for (let i = 0; i < N; i++) {
    const { req, res, socket } = fakeExchange();
    const seen = observeRequest(telemetry, req, res, "bos", REQUEST_ID);
    seen.operation = "GetObject";
    seen.bucket = "bench";
    seen.key = "small.bin";
    socket.bytesWritten += 4400;
    res.emit("close");
    if (i % 1000 === 0) await new Promise((resolve) => setImmediate(resolve));
  }
  await new Promise<void>((resolve) => telemetry.logger.flush(() => resolve()));
  const used = process.cpuUsage(start);
  return (used.user + used.system) / N;
}

// The app's own logger (batched writes), to a file as a log shipper would read it; each made once, as in the app.
const configurations: [string, Telemetry][] = [
  ["baseline", { logger: createLogger({ level: "silent", to: path.join(dir, "baseline.log") }), metrics: null }],
  ["metrics", { logger: createLogger({ level: "silent", to: path.join(dir, "metrics.log") }), metrics: new AppMetrics() }],
  ["log", { logger: createLogger({ level: "info", to: path.join(dir, "log.log") }), metrics: null }],
  ["log+metrics", { logger: createLogger({ level: "info", to: path.join(dir, "both.log") }), metrics: new AppMetrics() }],
];
// Rounds in turn, the order reversed every other round, so JIT warm-up and the machine's load fall on all alike.
const results = new Map(configurations.map(([label]) => [label, [] as number[]]));
for (let round = 0; round < ROUNDS; round++) {
  for (const [label, telemetry] of round % 2 === 0 ? configurations : [...configurations].reverse()) results.get(label)!.push(await run(telemetry));
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const baseline = median(results.get("baseline")!);
console.log(`${ROUNDS} rounds of ${N} requests; load average ${os.loadavg()[0]!.toFixed(1)}`);
for (const [label, values] of results) {
  const range = `${Math.min(...values).toFixed(2)}–${Math.max(...values).toFixed(2)}`;
  const cost = label === "baseline" ? "" : `, ${(median(values) - baseline).toFixed(2)} µs over the baseline`;
  console.log(`${label.padEnd(12)} ${median(values).toFixed(2)} µs CPU per request (range ${range})${cost}`);
}
rmSync(dir, { recursive: true, force: true });
