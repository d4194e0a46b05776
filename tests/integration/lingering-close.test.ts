/**
 * A connection closed after an answer sent before its request body arrived lingers: the client,
 * still sending, reads the answer whole and is not reset; and the lingering is bounded by the
 * client's silence, by a total time, and happens only when a body is left unread. Raw sockets
 * that may go on sending after the server's FIN, as curl does, against the app's server factory
 * with a handler that answers 413 without reading; the server's side of the connection is watched.
 */
import type { Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { afterEach, expect, it } from "vitest";
import { createHttpServer } from "@/lib/http/create-http-server";
import type { LingerTimes } from "@/lib/http/lingering-close";
import { RawConnection } from "../support/raw-http";
import { WAIT_TIMEOUT_MS } from "../support/timeouts";

const LONG_MS = 10 * 60_000;
const ANSWER = JSON.stringify({ code: "PayloadTooLarge", message: "too large" });
const KiB = 1024;

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

interface RefusingServer {
  url: string;
  /** Resolves once the server has closed its side of the first connection for good. */
  closed: Promise<void>;
}

/** A server that answers every request at once with a 413 and `Connection: close`; with `readFirst` it reads the whole body first. */
async function refusingServer(linger: LingerTimes, { readFirst = false } = {}): Promise<RefusingServer> {
  const server = createHttpServer(
    (req, res) => {
      const answer = () => res.writeHead(413, { "content-type": "application/json", "content-length": Buffer.byteLength(ANSWER), connection: "close" }).end(ANSWER);
      if (readFirst) req.resume().on("end", answer);
      else answer();
    },
    // The request idle timeout out of the way, so only the lingering's own limits can close.
    { linger, requestIdleTimeoutMs: LONG_MS },
  );
  servers.push(server);
  const closed = new Promise<void>((resolve) => server.once("connection", (socket: Socket) => socket.once("close", () => resolve())));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, closed };
}

/** Whether `closed` settles within the suite's wait ceiling. */
async function closesInTime(closed: Promise<void>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), WAIT_TIMEOUT_MS)));
  const result = await Promise.race([closed.then(() => true as const), late]);
  clearTimeout(timer);
  return result;
}

const chunk = (bytes: number) => `${bytes.toString(16)}\r\n${"x".repeat(bytes)}\r\n`;
const HEAD = "POST /upload HTTP/1.1\r\nhost: x\r\ncontent-type: application/octet-stream\r\ntransfer-encoding: chunked\r\n\r\n";

it("lets a client that is still sending read the answer whole, and closes without a reset once it stops", async () => {
  const server = await refusingServer({ idleMs: LONG_MS, maxMs: LONG_MS });
  const connection = await RawConnection.open(server.url, { allowHalfOpen: true });
  try {
    await connection.write(HEAD);
    // The answer comes before the body; the client sends on until it notices, then 4 MiB more.
    const deadline = Date.now() + WAIT_TIMEOUT_MS;
    while (!connection.answered && Date.now() < deadline) await connection.write(chunk(64 * KiB));
    for (let sent = 0; sent < 4 * 1024 * KiB; sent += 64 * KiB) await connection.write(chunk(64 * KiB));
    await connection.write("0\r\n\r\n");
    connection.end();
    const response = await connection.nextResponse(WAIT_TIMEOUT_MS);
    expect(response).toMatchObject({ status: 413, body: ANSWER });
    expect(response.headers.connection).toBe("close");
    expect(await closesInTime(server.closed)).toBe(true);
    expect(await connection.closesWithin(WAIT_TIMEOUT_MS)).toBe(true);
    // Without lingering, the server closes with bytes unread and the writes after the answer are reset.
    expect(connection.error).toBeNull();
  } finally {
    connection.destroy();
  }
});

it("closes a lingering connection whose client goes silent, after the idle time", async () => {
  const server = await refusingServer({ idleMs: 300, maxMs: LONG_MS });
  const connection = await RawConnection.open(server.url, { allowHalfOpen: true });
  try {
    await connection.write(`POST /upload HTTP/1.1\r\nhost: x\r\ncontent-length: ${64 * 1024 * KiB}\r\n\r\n`);
    await connection.write(Buffer.alloc(16 * KiB, "x"));
    expect((await connection.nextResponse(WAIT_TIMEOUT_MS)).status).toBe(413);
    // Neither finishing the body nor closing: only the idle time can end it (the total is minutes).
    expect(await closesInTime(server.closed)).toBe(true);
  } finally {
    connection.destroy();
  }
});

it("closes a lingering connection whose client never stops sending, after the total time", async () => {
  const server = await refusingServer({ idleMs: LONG_MS, maxMs: 500 });
  const connection = await RawConnection.open(server.url, { allowHalfOpen: true });
  let sending = true;
  try {
    await connection.write(HEAD);
    const trickle = (async () => {
      while (sending && !connection.closed) {
        await connection.write(chunk(KiB)).catch(() => undefined);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();
    expect((await connection.nextResponse(WAIT_TIMEOUT_MS)).status).toBe(413);
    // Never silent for long: only the total time can end it.
    expect(await closesInTime(server.closed)).toBe(true);
    sending = false;
    await trickle;
  } finally {
    sending = false;
    connection.destroy();
  }
});

it("does not linger after a request whose body was read whole", async () => {
  const server = await refusingServer({ idleMs: LONG_MS, maxMs: LONG_MS }, { readFirst: true });
  const connection = await RawConnection.open(server.url, { allowHalfOpen: true });
  try {
    await connection.write(`POST /upload HTTP/1.1\r\nhost: x\r\ncontent-length: 5\r\n\r\nhello`);
    expect((await connection.nextResponse(WAIT_TIMEOUT_MS)).status).toBe(413);
    // The client neither sends nor closes; a lingering server would wait minutes.
    expect(await closesInTime(server.closed)).toBe(true);
    expect(connection.error).toBeNull();
  } finally {
    connection.destroy();
  }
});
