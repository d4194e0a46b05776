/**
 * The SSRF guard acts before anything is sent: an allowlisted origin (127.0.0.1, the suite's
 * ORIGIN_ALLOWLIST) that redirects to an internal address, over http or https, by IP or by a name
 * resolving there, gets a 424 while a raw TCP listener on that address (127.0.0.2) sees no
 * connection and no byte. And what the client is told is the same whether the refused port is
 * open or closed or the name does not resolve, so the 424 cannot scan ports or read DNS.
 */
import { spyOnLog } from "../support/log-spy";
import { readFileSync } from "node:fs";
import { createConnection, createServer, type AddressInfo, type Server, type Socket } from "node:net";
import { createServer as createTlsServer, type TLSSocket } from "node:tls";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { db } from "@/lib/db/client";
import { checkedConnector, ConnectFailure, systemLookup, type OriginLookup } from "@/lib/origin/checked-connect";
import { UNREACHABLE_MESSAGE } from "@/lib/origin/origin-client";
import { OriginAllowlist } from "@/lib/origin/ssrf-guard";
import { RecordingOrigin } from "../support/recording-origin";
import { bucketWithRules, startObjectServer, type TestObjectServer } from "../support/object-server";
import { signedFetch } from "../support/signed-fetch";
import { waitFor } from "../support/wait";

/** Where RawListener.settle() probes come from, so they are never counted. */
const PROBE_FROM = "127.0.0.3";

/** A plain TCP listener that counts connections and bytes: it would see a TLS ClientHello too. */
class RawListener {
  connections = 0;
  bytes = 0;
  port = 0;
  private probes = 0;
  private readonly server: Server;

  constructor(private readonly address: string) {
    this.server = createServer((socket: Socket) => {
      socket.on("error", () => undefined);
      if (socket.remoteAddress === PROBE_FROM) {
        this.probes += 1;
        socket.destroy();
        return;
      }
      this.connections += 1;
      socket.on("data", (chunk: Buffer) => (this.bytes += chunk.length));
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, this.address, resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  /** Returns once every connection made before the call has been accepted (the kernel accepts in order). */
  async settle(): Promise<void> {
    const before = this.probes;
    const probe = createConnection({ port: this.port, host: this.address, localAddress: PROBE_FROM });
    probe.on("error", () => undefined);
    await waitFor(() => this.probes > before, "the listener to accept a probe");
    probe.destroy();
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** DNS for the test: names the system resolver does not know. */
const NAMES: Record<string, string[]> = { "internal.test": ["127.0.0.2"], "origin.test": ["127.0.0.1"], "mixed.test": ["127.0.0.1", "127.0.0.2"] };
const lookup: OriginLookup = async (hostname) => {
  if (hostname.endsWith(".invalid")) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: "ENOTFOUND" });
  return NAMES[hostname] ?? systemLookup(hostname);
};

let server: TestObjectServer;
let allowed: RecordingOrigin;
let internal: RawListener;
/** Where the allowlisted origin's /probe redirects to, set by each test. */
let redirectTo = "";

beforeAll(async () => {
  server = await startObjectServer(undefined, {}, { originLookup: lookup });
  allowed = await new RecordingOrigin("127.0.0.1").start();
  allowed.on("/probe", (_req, res) => res.writeHead(302, { location: redirectTo }).end());
  allowed.serve("/real", "from the allowlisted origin");
  internal = await new RawListener("127.0.0.2").start();
  await bucketWithRules(server.url, "probe", [{ sourceUrl: `http://${allowed.host}` }]);
});
afterAll(async () => {
  await server.stop();
  await allowed.stop();
  await internal.stop();
});
afterEach(() => vi.restoreAllMocks());

async function mirrorThroughRedirect(location: string): Promise<{ status: number; body: { code: string; message: string; requestId: string } }> {
  redirectTo = location;
  const response = await signedFetch(`${server.url}/v1/probe/probe`);
  return { status: response.status, body: await response.json() };
}

function redirectedGet(location: string): Promise<Response> {
  redirectTo = location;
  return signedFetch(`${server.url}/v1/probe/probe`);
}

describe("a redirect from an allowlisted origin to an internal host", () => {
  it.each([
    ["http to the address", () => `http://127.0.0.2:${internal.port}/secret`],
    ["https to the address", () => `https://127.0.0.2:${internal.port}/secret`],
    ["http to a name resolving there", () => `http://internal.test:${internal.port}/secret`],
    ["https to a name resolving there", () => `https://internal.test:${internal.port}/secret`],
    ["http to a name with an allowed and an internal address", () => `http://mixed.test:${internal.port}/secret`],
    ["http to the IPv4-mapped address", () => `http://[::ffff:127.0.0.2]:${internal.port}/secret`],
  ])("%s: 424, and the internal listener sees no connection and no byte", async (_name, location) => {
    const before = { connections: internal.connections, bytes: internal.bytes };
    const { status, body } = await mirrorThroughRedirect(location());
    expect(status).toBe(424);
    expect(body.code).toBe("MirrorFailed");
    await internal.settle();
    expect({ connections: internal.connections, bytes: internal.bytes }).toEqual(before);
    expect(await db().storedObject.count({ where: { key: "probe" } })).toBe(0);
  });
});

describe("what the client is told", () => {
  it("is the same for a refused open port, a refused closed port, an unresolvable name and a closed allowed port", async () => {
    const closed = await new RawListener("127.0.0.2").start();
    const closedPort = closed.port;
    await closed.stop();
    const closedAllowed = await new RawListener("127.0.0.1").start();
    const closedAllowedPort = closedAllowed.port;
    await closedAllowed.stop();
    const warn = spyOnLog("warn");

    const answers = [];
    for (const location of [
      `http://127.0.0.2:${internal.port}/x`,
      `http://127.0.0.2:${closedPort}/x`,
      `https://127.0.0.2:${closedPort}/x`,
      `http://nothing-here.invalid/x`,
      `http://127.0.0.1:${closedAllowedPort}/x`,
    ]) {
      answers.push(await mirrorThroughRedirect(location));
    }
    const withoutId = answers.map(({ status, body }) => ({ status, body: { ...body, requestId: "-" } }));
    for (const answer of withoutId) expect(answer).toEqual(withoutId[0]);
    expect(withoutId[0]!.status).toBe(424);
    expect(withoutId[0]!.body.message).toContain(UNREACHABLE_MESSAGE);
    expect(withoutId[0]!.body.message).not.toMatch(/127\.0\.0\.2|invalid|loopback|refused|resolve/);

    // The reason is in the server log, under each request's id.
    const logged = (requestId: string) => warn.lines().find((line) => line.includes(requestId)) ?? "";
    expect(logged(answers[0]!.body.requestId)).toMatch(/127\.0\.0\.2 is a loopback address/);
    expect(logged(answers[3]!.body.requestId)).toMatch(/nothing-here\.invalid does not resolve/);
    expect(logged(answers[4]!.body.requestId)).toMatch(/ECONNREFUSED/);
  });
});

describe("a name that resolves to an allowed address", () => {
  it("is fetched from the address that was checked, with the name as Host", async () => {
    const response = await redirectedGet(`http://origin.test:${allowed.host.split(":")[1]}/real`);
    expect(await response.text()).toBe("from the allowlisted origin");
    expect(allowed.requestsFor("/real").at(-1)?.headers.host).toBe(`origin.test:${allowed.host.split(":")[1]}`);
    await signedFetch(`${server.url}/v1/probe/probe`, { method: "DELETE" });
  });
});

describe("the connector over TLS", () => {
  // A self-signed certificate for origin.test, valid until 2126; test-only, its key is public.
  const fixture = (name: string) => readFileSync(new URL(`../support/tls/${name}`, import.meta.url));
  const cert = fixture("origin-test.crt");
  let tlsServer: ReturnType<typeof createTlsServer>;
  let port = 0;
  const sniSeen: (string | false | null)[] = [];

  beforeAll(async () => {
    tlsServer = createTlsServer({ key: fixture("origin-test.key"), cert }, (socket: TLSSocket) => {
      sniSeen.push(socket.servername);
      socket.end();
    });
    tlsServer.on("tlsClientError", () => undefined);
    await new Promise<void>((resolve) => tlsServer.listen(0, "127.0.0.1", resolve));
    port = (tlsServer.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => tlsServer.close(() => resolve())));

  function connectTo(hostname: string, names: Record<string, string[]>): Promise<TLSSocket> {
    const connect = checkedConnector({
      allowlist: new OriginAllowlist(["127.0.0.1"]),
      timeoutMs: 2_000,
      lookup: async (name) => names[name] ?? [],
      tls: { ca: cert },
    });
    return new Promise((resolve, reject) =>
      connect({ hostname, host: `${hostname}:${port}`, protocol: "https:", port: String(port) }, (error, socket) =>
        error ? reject(error) : resolve(socket as TLSSocket),
      ),
    );
  }

  it("connects to the checked address, sends the name as SNI and verifies the certificate for the name", async () => {
    const socket = await connectTo("origin.test", { "origin.test": ["127.0.0.1"] });
    expect(socket.remoteAddress).toBe("127.0.0.1");
    expect(socket.authorized).toBe(true);
    await waitFor(() => sniSeen.includes("origin.test"), "the server to see SNI origin.test");
    socket.destroy();
  });

  it("refuses a certificate that is not for the name, though the address is the same", async () => {
    const failure = await connectTo("other.test", { "other.test": ["127.0.0.1"] }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ConnectFailure);
    expect((failure as Error).message).toMatch(/ERR_TLS_CERT_ALTNAME_INVALID|does not match certificate's altnames/);
  });
});
