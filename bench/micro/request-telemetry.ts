/**
 * CPU cost per request of the access line and request metrics alone (lib/http/request-telemetry.ts),
 * without HTTP: a stand-in request and response, closed at once, many times. Prints µs per request
 * for: nothing observed (LOG_LEVEL=silent, no metrics), metrics only, log only (to a file), both.
 */
import { EventEmitter } from "node:events";
import type { IncomingMessage, ServerResponse } from "node:http";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { observeRequest } from "@/lib/http/request-telemetry";
import { createLogger } from "@/lib/observability/logger";
import { AppMetrics } from "@/lib/observability/metrics";

const N = 200_000;
const dir = mkdtempSync(path.join(os.tmpdir(), "telemetry-micro-"));

function fakeExchange() {
  const socket = { bytesWritten: 0 };
  const req = { socket, method: "GET" } as unknown as IncomingMessage;
  const res = Object.assign(new EventEmitter(), { statusCode: 200, writableFinished: true, getHeader: () => undefined }) as unknown as ServerResponse;
  return { req, res, socket };
}

async function run(label: string, logLevel: "info" | "silent", withMetrics: boolean): Promise<void> {
  // The app's own logger (batched writes), to a file as a log shipper would read it.
  const telemetry = { logger: createLogger({ level: logLevel, to: path.join(dir, `${label}.log`) }), metrics: withMetrics ? new AppMetrics() : null };
  const start = process.cpuUsage();
  for (let i = 0; i < N; i++) {
    const { req, res, socket } = fakeExchange();
    const seen = observeRequest(telemetry, req, res, "bos", "0f8fad5b-d9cb-469f-a165-70867728950e");
    seen.operation = "GetObject";
    seen.bucket = "bench";
    seen.key = "small.bin";
    socket.bytesWritten += 4400;
    res.emit("close");
    if (i % 1000 === 0) await new Promise((resolve) => setImmediate(resolve));
  }
  await new Promise<void>((resolve) => telemetry.logger.flush(() => resolve()));
  const used = process.cpuUsage(start);
  console.log(`${label.padEnd(16)} ${(((used.user + used.system) / N)).toFixed(2)} µs CPU per request`);
}

await run("baseline", "silent", false);
await run("metrics", "silent", true);
await run("log", "info", false);
await run("log+metrics", "info", true);
rmSync(dir, { recursive: true, force: true });
