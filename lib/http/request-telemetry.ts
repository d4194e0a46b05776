/**
 * One access-log line and one set of request metrics per request, whichever front door answered
 * it (BOS, S3, the console and management API, /metrics). The dispatcher names the operation
 * (and the bucket and key) once it knows them; the line is written when the response closes.
 * `bytes` counts what went out on the connection for this response, headers included.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { performance } from "node:perf_hooks";
import { accessLog, type AccessLineFields, type AccessLog } from "@/lib/observability/access-line";
import type { Logger } from "@/lib/observability/logger";
import type { AppMetrics, RequestProtocol } from "@/lib/observability/metrics";
import { AppResponse, connectionStateOf, type CloseHook } from "./app-response";
import { requestIdFrom, type RequestId } from "@/lib/observability/request-id";

/** The id the management API's handlers set on their response (x-request-id), if any. */
function requestIdFromHeader(res: ServerResponse): RequestId | null {
  const header = res.getHeader("x-request-id");
  return typeof header === "string" ? requestIdFrom(header) : null;
}

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

/**
 * What went out on the connection since its last response closed: this response's bytes, headers
 * included (responses on one connection are written one after the other). Read once per response:
 * socket.bytesWritten walks the socket's write queue, and reading it when the request starts as
 * well cost ~700 instructions a request (callgrind, bench/telemetry-instructions.ts).
 */
function bytesOfResponse(req: IncomingMessage, res: ServerResponse): number {
  const state = (res instanceof AppResponse ? res.connectionState : null) ?? connectionStateOf(req.socket);
  const written = req.socket.bytesWritten;
  const bytes = written - state.bytesCounted;
  state.bytesCounted = written;
  return bytes;
}

/**
 * One request being observed: what the dispatcher learns (ObservedRequest), and what the line and
 * the metrics need when the response closes, where it becomes the access line's fields itself.
 * One object, its fields set in one order, rather than a closure, a 'close' listener and a fields
 * object (see app-response.ts).
 */
class Observation implements ObservedRequest, CloseHook, AccessLineFields {
  private operationName: string;
  private bucketName: string | null = null;
  private objectKey: string | null = null;
  /**
   * Set when the response closes: the metrics are recorded then and the line is made later from
   * this object, so names a dispatcher still learns afterwards (its client gone while it looked up
   * a signing key) change neither.
   */
  private closedYet = false;
  method: string | undefined;
  status = 0;
  bytes = 0;
  durationMs = 0;
  aborted?: true;
  private readonly started = performance.now();
  /** Until the response closes: the line, made later from this object, needs nothing of the request. */
  private req: IncomingMessage | null;

  constructor(
    operation: string,
    req: IncomingMessage,
    readonly protocol: RequestProtocol,
    public requestId: RequestId | null,
    private readonly metrics: AppMetrics | null,
    private readonly writeLine: AccessLog | null,
  ) {
    this.operationName = operation;
    this.req = req;
    this.method = req.method;
  }

  get operation(): string {
    return this.operationName;
  }
  set operation(name: string) {
    if (!this.closedYet) this.operationName = name;
  }
  get bucket(): string | null {
    return this.bucketName;
  }
  set bucket(name: string | null) {
    if (!this.closedYet) this.bucketName = name;
  }
  get key(): string | null {
    return this.objectKey;
  }
  set key(key: string | null) {
    if (!this.closedYet) this.objectKey = key;
  }

  closed(res: ServerResponse): void {
    this.closedYet = true;
    const ended = performance.now();
    const seconds = (ended - this.started) / 1000;
    this.metrics?.recordRequest(this.protocol, this.operation, res.statusCode, seconds);
    if (this.writeLine === null) return;
    this.requestId ??= requestIdFromHeader(res);
    this.status = res.statusCode;
    this.bytes = bytesOfResponse(this.req!, res);
    this.req = null;
    this.durationMs = Math.round(seconds * 10_000) / 10;
    // A response cut off before its end (a broken mirror, a client gone) is logged as such.
    if (!res.writableFinished) this.aborted = true;
    this.writeLine(this, ended);
  }
}

export function observeRequest(
  telemetry: RequestTelemetry,
  req: IncomingMessage,
  res: ServerResponse,
  protocol: RequestProtocol,
  requestId: RequestId | null,
  operation = UNRESOLVED_OPERATION,
): ObservedRequest {
  const { logger, metrics } = telemetry;
  const logging = logger.isLevelEnabled("info");
  if (!logging && !metrics) return { operation, bucket: null, key: null };
  const observation = new Observation(operation, req, protocol, requestId, metrics, logging ? accessLogOf(logger) : null);
  if (res instanceof AppResponse) res.whenClosed(observation);
  // A response from a server that is not the app's (createHttpServer).
  else res.on("close", () => observation.closed(res));
  return observation;
}
