/**
 * One access-log line and one set of request metrics per request, whichever front door answered
 * it (BOS, S3, the console and management API, /metrics). The dispatcher names the operation
 * (and the bucket and key) once it knows them; the line is written when the response closes.
 * `bytes` counts what went out on the connection for this response, headers included.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { performance } from "node:perf_hooks";
import { accessLog, type AccessLineFields, type AccessLog } from "@/lib/observability/access-line";
import type { Logger } from "@/lib/observability/logger";
import type { AppMetrics, RequestProtocol } from "@/lib/observability/metrics";

export interface RequestTelemetry {
  logger: Logger;
  /** null when METRICS_ENABLED=false. */
  metrics: AppMetrics | null;
}

/** What the dispatcher learns about a request while answering it. */
export interface ObservedRequest {
  operation: string;
  bucket: string | null;
  key: string | null;
}

/** The operation of a request that never reached one (an unparseable target, a refused method). */
export const UNRESOLVED_OPERATION = "Unresolved";

/** Each logger's access-line writer, made once; the last one asked for at hand (the app has one logger). */
const accessLogs = new WeakMap<Logger, AccessLog>();
let lastLogger: Logger | null = null;
let lastAccessLog: AccessLog | null = null;
function accessLogOf(logger: Logger): AccessLog {
  if (logger === lastLogger) return lastAccessLog!;
  let log = accessLogs.get(logger);
  if (!log) accessLogs.set(logger, (log = accessLog(logger)));
  lastLogger = logger;
  lastAccessLog = log;
  return log;
}

const kCounted = Symbol("bytes written on the connection when its last response closed");
interface CountedSocket extends Socket {
  [kCounted]?: number;
}

/**
 * What went out on the connection since its last response closed: this response's bytes, headers
 * included (responses on one connection are written one after the other). Read once per response:
 * socket.bytesWritten walks the socket's write queue, and reading it when the request starts as
 * well cost ~700 instructions a request (callgrind, bench/telemetry-instructions.ts).
 */
function bytesOfResponse(socket: CountedSocket): number {
  const written = socket.bytesWritten;
  const bytes = written - (socket[kCounted] ?? 0);
  socket[kCounted] = written;
  return bytes;
}

export function observeRequest(
  telemetry: RequestTelemetry,
  req: IncomingMessage,
  res: ServerResponse,
  protocol: RequestProtocol,
  requestId: string | null,
  operation = UNRESOLVED_OPERATION,
): ObservedRequest {
  const { logger, metrics } = telemetry;
  const logging = logger.isLevelEnabled("info");
  if (!logging && !metrics) return { operation, bucket: null, key: null };
  const writeLine = logging ? accessLogOf(logger) : null;
  const started = performance.now();
  const socket = req.socket as CountedSocket;
  const seen: ObservedRequest = { operation, bucket: null, key: null };
  // "close" comes once per response: `on` spares once()'s wrapper and removal on every request.
  res.on("close", () => {
    const ended = performance.now();
    const seconds = (ended - started) / 1000;
    // A response cut off before its end (a broken mirror, a client gone) is logged as such.
    const completed = res.writableFinished;
    metrics?.recordRequest(protocol, seen.operation, res.statusCode, seconds);
    if (!writeLine) return;
    const fields: AccessLineFields = {
      requestId: requestId ?? (res.getHeader("x-request-id") as string | undefined) ?? null,
      protocol,
      operation: seen.operation,
      method: req.method,
      bucket: seen.bucket,
      key: seen.key,
      status: res.statusCode,
      bytes: bytesOfResponse(socket),
      durationMs: Math.round(seconds * 10_000) / 10,
    };
    if (!completed) fields.aborted = true;
    writeLine(fields, ended);
  });
  return seen;
}
