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

  requestsFor(path: string): ReceivedRequest[] {
    return this.received.filter((request) => request.path === path);
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
