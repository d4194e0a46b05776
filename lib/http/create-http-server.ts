/**
 * The app's node:http server with its timeouts, used by server.ts and by the tests' object
 * server so both run the same settings. Node's default `requestTimeout` cuts every request off
 * after 5 minutes, which fails any upload of a large object (up to MAX_OBJECT_SIZE, 5 GiB) on an
 * ordinary link. Instead a request may last as long as bytes keep moving, and one whose
 * connection sends and receives nothing for REQUEST_IDLE_TIMEOUT_MS is cut off: a stalled upload
 * fails (and stores nothing) without holding a socket and a temporary file forever. A connection
 * closed after an early answer lingers (lingering-close.ts) so that the client reads the answer.
 */
import { createServer, type IncomingMessage, type RequestListener, type Server } from "node:http";
import { env } from "@/lib/env";
import { AppResponse, connectionStateOf } from "./app-response";
import { DEFAULT_LINGER, lingerOnEarlyClose, type LingerTimes } from "./lingering-close";

/** The whole header block must arrive within this, however it trickles in. */
const HEADERS_TIMEOUT_MS = 60_000;
/** Idle time between requests on a keep-alive connection: above the 60 s idle timeout common to load balancers, so they close first. */
const KEEP_ALIVE_TIMEOUT_MS = 65_000;

export interface HttpServerOptions {
  /** Defaults to REQUEST_IDLE_TIMEOUT_MS. */
  requestIdleTimeoutMs?: number;
  /** Defaults to DEFAULT_LINGER (nginx's). */
  linger?: LingerTimes;
}

/** The app's server: its responses are AppResponses. */
export type AppServer = Server<typeof IncomingMessage, typeof AppResponse>;

export function createHttpServer(listener: RequestListener<typeof IncomingMessage, typeof AppResponse>, { requestIdleTimeoutMs = env().requestIdleTimeoutMs, linger = DEFAULT_LINGER }: HttpServerOptions = {}): AppServer {
  // Responses are AppResponses, each with its connection's state (app-response.ts).
  const server = createServer({ requestTimeout: 0, headersTimeout: HEADERS_TIMEOUT_MS, ServerResponse: AppResponse }, (request, response) => {
    const state = connectionStateOf(request.socket);
    state.request = request;
    response.connectionState = state;
    listener(request, response);
  });
  lingerOnEarlyClose(server, linger);
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  // Node arms the socket's inactivity timer with `timeout` while a request is in flight (and with
  // keepAliveTimeout between requests); reads and writes both count as activity. When it fires and
  // nobody listens for 'timeout', Node destroys the socket, which aborts the request.
  server.timeout = requestIdleTimeoutMs;
  return server;
}
