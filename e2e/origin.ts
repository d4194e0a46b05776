/**
 * A real origin for browser tests, on 127.0.0.1 (the loopback address the e2e server's
 * ORIGIN_ALLOWLIST names), serving the files a test gives it.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export const E2E_ORIGIN_ADDRESS = "127.0.0.1";

export async function startOrigin(files: Record<string, { body: string; type: string }>): Promise<{ host: string; stop: () => Promise<void> }> {
  const server: Server = createServer((req, res) => {
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
  await new Promise<void>((resolve) => server.listen(0, E2E_ORIGIN_ADDRESS, resolve));
  return {
    host: `${E2E_ORIGIN_ADDRESS}:${(server.address() as AddressInfo).port}`,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
