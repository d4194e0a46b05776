/**
 * A real origin server on loopback for tests: each path answers as the test says, and every
 * request it receives (path, query, headers) is recorded.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface ReceivedRequest {
  path: string;
  query: string;
  headers: IncomingMessage["headers"];
}

type Behaviour = (req: IncomingMessage, res: ServerResponse) => void;

export class RecordingOrigin {
  readonly received: ReceivedRequest[] = [];
  private readonly routes = new Map<string, Behaviour>();
  private server: Server | null = null;
  host = "";

  constructor(private readonly address = "127.0.0.1") {}

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const [path = "/", query = ""] = (req.url ?? "/").split("?");
      this.received.push({ path, query, headers: req.headers });
      const behaviour = this.routes.get(path);
      if (behaviour) behaviour(req, res);
      else res.writeHead(404).end("not here");
    });
    await new Promise<void>((resolve) => this.server!.listen(0, this.address, resolve));
    this.host = `${this.address}:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  /** Serve `body` at `path` (the encoded path, as the origin receives it). */
  serve(path: string, body: Buffer | string, headers: Record<string, string> = {}): this {
    const bytes = Buffer.from(body);
    return this.on(path, (_req, res) => {
      res.writeHead(200, { "content-length": bytes.length, ...headers });
      res.end(bytes);
    });
  }

  on(path: string, behaviour: Behaviour): this {
    this.routes.set(path, behaviour);
    return this;
  }

  /**
   * Answers `path` with `body`, holding it until `release()`: the first `sendFirst` bytes go at
   * once (headers included), the rest once released (with 0, the whole answer waits).
   */
  hold(path: string, body: Buffer | string, sendFirst = 0): { release: () => void } {
    const bytes = Buffer.from(body);
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    this.on(path, (_req, res) => {
      if (sendFirst > 0) res.writeHead(200, { "content-length": bytes.length }).write(bytes.subarray(0, sendFirst));
      void released.then(() => {
        if (sendFirst === 0) res.writeHead(200, { "content-length": bytes.length });
        res.end(bytes.subarray(sendFirst));
      });
    });
    return { release };
  }

  requestsFor(path: string): ReceivedRequest[] {
    return this.received.filter((request) => request.path === path);
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
