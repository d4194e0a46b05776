/**
 * A real origin for browser tests, on 127.0.0.1 (the loopback address the e2e server's
 * ORIGIN_ALLOWLIST names): one that answers as a test's handler says, or serves the files it gives.
 */
import { createServer, type RequestListener } from "node:http";
import type { AddressInfo } from "node:net";

export const E2E_ORIGIN_ADDRESS = "127.0.0.1";

export interface RunningOrigin {
  /** host:port, for a rule's origin. */
  host: string;
  /** Drops open connections and closes the server. */
  stop: () => Promise<void>;
}

export async function startOriginServer(handler: RequestListener): Promise<RunningOrigin> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, E2E_ORIGIN_ADDRESS, resolve));
  return {
    host: `${E2E_ORIGIN_ADDRESS}:${(server.address() as AddressInfo).port}`,
    stop: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export function startOrigin(files: Record<string, { body: string; type: string }>): Promise<RunningOrigin> {
  return startOriginServer((req, res) => {
    const file = files[(req.url ?? "/").split("?")[0]!];
    if (!file) return void res.writeHead(404).end("not here");
    const range = /^bytes=(\d+)-(\d+)$/.exec(req.headers.range ?? "");
    if (range) {
      const [start, end] = [Number(range[1]), Math.min(Number(range[2]), file.body.length - 1)];
      res.writeHead(206, { "content-type": file.type, "content-range": `bytes ${start}-${end}/${file.body.length}` });
      return void res.end(file.body.slice(start, end + 1));
    }
    res.writeHead(200, { "content-type": file.type, "content-length": file.body.length }).end(file.body);
  });
}
