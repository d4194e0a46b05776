/**
 * How the server stops on SIGTERM or SIGINT (server.ts; the test server's main does the same).
 * It takes no new connections and closes idle ones, and each kept-alive connection once its
 * response has ended; requests in flight get a grace period to finish; then the connections still
 * open are cut: a slow download, a client that stopped
 * sending its body, a lingering close (lingering-close.ts, up to 30 s). Then the app is closed,
 * which writes what it holds in memory (back-to-origin activity, the log). Before, the process
 * exited at the end of the grace period without closing the app when any connection was still
 * open, and that activity was lost.
 */
import type { Server } from "node:http";

/** How long requests in flight get to finish once a stop is asked for. */
export const SHUTDOWN_GRACE_MS = 5_000;
/** How long closing the app may take after that before the process ends anyway (server.ts). */
export const SHUTDOWN_CLOSE_MS = 10_000;
/**
 * How often connections are looked at during a stop: a kept-alive one whose response ends after
 * the stop has begun is idle from then on, and would otherwise stay open until its keep-alive
 * timeout or the end of the grace period (Node closes only those idle when server.close() is called).
 */
const IDLE_SWEEP_MS = 100;

export async function shutDown(server: Server, closeApp: () => Promise<void>, graceMs = SHUTDOWN_GRACE_MS): Promise<void> {
  // Answers once every connection has ended (or at once, with an error, if it was not listening).
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const sweep = setInterval(() => server.closeIdleConnections(), IDLE_SWEEP_MS);
  const cut = setTimeout(() => server.closeAllConnections(), graceMs);
  try {
    await closed;
  } finally {
    clearInterval(sweep);
    clearTimeout(cut);
  }
  await closeApp();
}
