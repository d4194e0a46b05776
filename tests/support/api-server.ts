/**
 * The management API on a real node:http server, for tests about what arrives over the network:
 * the same front door as server.ts (createHttpServer, then admitToNext) and the real route
 * handlers, called with the request built the way Next builds it (the Node request itself as
 * the body stream, headers copied from req.headers). Next's routing is left out: the tests name
 * the routes they use.
 */
import { request, type IncomingMessage, type ServerResponse, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import * as loginRoute from "@/app/api/auth/login/route";
import * as sessionRoute from "@/app/api/auth/session/route";
import * as objectContentRoute from "@/app/api/buckets/[bucket]/objects/content/route";
import * as emptyBucketRoute from "@/app/api/buckets/[bucket]/objects/empty/route";
import * as bucketsRoute from "@/app/api/buckets/route";
import { parseTrustProxy } from "@/lib/http/client-address";
import { createHttpServer } from "@/lib/http/create-http-server";
import { admitToNext } from "@/lib/http/next-handoff";
import { currentApp } from "@/lib/runtime/current-app";
// As in server.ts, the app (database client, caches) comes from the composition root: here it is
// built on first use from the environment.
import "@/lib/runtime/create-app";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each route module has its own params type
type Handler = (request: Request, context: { params: Promise<any> }) => Promise<Response>;

/** Path patterns (named groups are the route's params) and their route modules. */
const ROUTES: [RegExp, Partial<Record<string, Handler>>][] = [
  [/^\/api\/auth\/login$/, loginRoute],
  [/^\/api\/auth\/session$/, sessionRoute],
  [/^\/api\/buckets$/, bucketsRoute],
  [/^\/api\/buckets\/(?<bucket>[^/]+)\/objects\/content$/, objectContentRoute],
  [/^\/api\/buckets\/(?<bucket>[^/]+)\/objects\/empty$/, emptyBucketRoute],
];

function route(method: string, path: string): { handler: Handler; params: Record<string, string> } | null {
  for (const [pattern, module] of ROUTES) {
    const match = pattern.exec(path);
    const handler = match && module[method];
    if (handler) return { handler, params: Object.fromEntries(Object.entries(match.groups ?? {}).map(([name, value]) => [name, decodeURIComponent(value)])) };
  }
  return null;
}

export interface TestApiServer {
  url: string;
  stop: () => Promise<void>;
}

function toRequest(req: IncomingMessage, host: string): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    for (const item of Array.isArray(value) ? value : [value ?? ""]) headers.append(name, item);
  }
  const hasBody = req.method !== "GET" && req.method !== "HEAD";
  return new Request(new URL(req.url ?? "/", `http://${host}`), {
    method: req.method,
    headers,
    // As Next does (NextRequestAdapter.fromNodeNextRequest): the Node stream, pulled on demand.
    ...(hasBody ? { body: req as unknown as ReadableStream, duplex: "half" } : {}),
  } as RequestInit);
}

async function send(response: Response, res: ServerResponse): Promise<void> {
  res.statusCode = response.status;
  response.headers.forEach((value, name) => {
    if (name !== "set-cookie") res.setHeader(name, value);
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) res.setHeader("set-cookie", cookies);
  res.end(Buffer.from(await response.arrayBuffer()));
}

export type ExtraRoute = (req: IncomingMessage, res: ServerResponse) => boolean;

/**
 * Answers a request for one of ROUTES through the front door (false when none matches): the
 * object API's test server in a child process hands its `/api/` requests here too.
 */
export function handleApiRequest(req: IncomingMessage, res: ServerResponse, trust = parseTrustProxy("")): boolean {
  const found = route(req.method ?? "GET", (req.url ?? "/").split("?")[0]!);
  if (!found) return false;
  if (admitToNext(req, res, { trustProxy: trust, maxObjectSize: currentApp().config.maxObjectSize })) answer(found, req, res);
  return true;
}

function answer(found: { handler: Handler; params: Record<string, string> }, req: IncomingMessage, res: ServerResponse): void {
  const host = req.headers.host ?? "localhost";
  found.handler(toRequest(req, host), { params: Promise.resolve(found.params) })
    .then((response) => send(response, res))
    .catch((error: unknown) => {
      console.error(error);
      if (!res.headersSent) res.writeHead(500).end();
    });
}

/** Listens on 127.0.0.1 (a client may connect from 127.0.0.2, a second address) with TRUST_PROXY `trustProxy`. */
export async function startApiServer({ trustProxy = "", extra }: { trustProxy?: string; extra?: ExtraRoute } = {}): Promise<TestApiServer> {
  const trust = parseTrustProxy(trustProxy);
  const server: Server = createHttpServer((req, res) => {
    if (extra?.(req, res)) return;
    // The front door first, as in the app: a malformed path or an oversized body is refused (400,
    // 413) before any route is looked for.
    if (!admitToNext(req, res, { trustProxy: trust, maxObjectSize: currentApp().config.maxObjectSize })) return;
    const found = route(req.method ?? "GET", (req.url ?? "/").split("?")[0]!);
    if (found) answer(found, req, res);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export interface PostResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Record<string, unknown> | null;
}

/**
 * POSTs JSON over a new connection from `from` (a loopback address: the socket peer the server
 * sees), with the console's Origin, as the sign-in form does.
 */
export function postJson(url: string, path: string, body: unknown, { from = "127.0.0.1", headers = {} }: { from?: string; headers?: Record<string, string> } = {}): Promise<PostResult> {
  const { host, hostname, port } = new URL(url);
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: hostname,
        port,
        path,
        method: "POST",
        localAddress: from,
        agent: false,
        headers: { host, origin: `http://${host}`, "content-type": "application/json", "content-length": Buffer.byteLength(payload), ...headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          resolve({ status: res.statusCode!, headers: res.headers, body: text ? (JSON.parse(text) as Record<string, unknown>) : null });
        });
      },
    );
    req.on("error", reject);
    req.end(payload);
  });
}
