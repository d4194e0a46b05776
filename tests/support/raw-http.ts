/**
 * One raw TCP connection speaking HTTP/1.1 by hand, for tests about what happens on the wire:
 * several requests on one keep-alive connection, bodies sent slowly or never finished.
 */
import { connect, type Socket } from "node:net";
import { bceTimestamp, signRequest } from "@/lib/auth/bce-signature";
import { TEST_CREDENTIALS } from "./signed-fetch";

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** Bytes on the wire: status line, headers and body. */
  size: number;
}

export class RawConnection {
  private buffer = Buffer.alloc(0);
  private wake: (() => void) | null = null;
  /** Set once the server has closed (or reset) the connection. */
  closed = false;
  /** The socket's error, if it ended with one (a reset, a broken pipe). */
  error: NodeJS.ErrnoException | null = null;
  readonly whenClosed: Promise<void>;

  private constructor(private readonly socket: Socket) {
    socket.on("data", (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      this.wake?.();
    });
    socket.on("error", (error) => (this.error ??= error));
    this.whenClosed = new Promise((resolve) =>
      socket.on("close", () => {
        this.closed = true;
        this.wake?.();
        resolve();
      }),
    );
  }

  /** With `allowHalfOpen`, the client may go on sending after the server's FIN (as curl does), until it ends its side. */
  static open(baseUrl: string, { allowHalfOpen = false } = {}): Promise<RawConnection> {
    const { hostname, port } = new URL(baseUrl);
    return new Promise((resolve, reject) => {
      const socket = connect({ port: Number(port), host: hostname, allowHalfOpen }, () => resolve(new RawConnection(socket)));
      socket.once("error", reject);
    });
  }

  write(data: string | Buffer): Promise<void> {
    return new Promise((resolve, reject) => this.socket.write(data, (error) => (error ? reject(error) : resolve())));
  }

  /** The next complete response (Content-Length framed), or an error after `timeoutMs`. */
  async nextResponse(timeoutMs: number): Promise<RawResponse> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const response = this.takeResponse();
      if (response) return response;
      if (this.closed) throw new Error("the server closed the connection before a complete response");
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no response within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = null;
    }
  }

  /** Resolves true if the server closes the connection within `timeoutMs`. */
  async closesWithin(timeoutMs: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
    const closed = await Promise.race([this.whenClosed.then(() => true as const), timeout]);
    clearTimeout(timer);
    return closed;
  }

  /** Sends FIN: the client has finished sending. */
  end(): void {
    this.socket.end();
  }

  /** Whether a response (its head, at least) has started to arrive. */
  get answered(): boolean {
    return this.buffer.includes("\r\n\r\n");
  }

  destroy(): void {
    this.socket.destroy();
  }

  private takeResponse(): RawResponse | null {
    const end = this.buffer.indexOf("\r\n\r\n");
    if (end < 0) return null;
    const [statusLine = "", ...lines] = this.buffer.subarray(0, end).toString("latin1").split("\r\n");
    const headers: Record<string, string> = {};
    for (const line of lines) {
      const colon = line.indexOf(":");
      headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    const length = Number(headers["content-length"] ?? 0);
    if (this.buffer.length < end + 4 + length) return null;
    const body = this.buffer.subarray(end + 4, end + 4 + length).toString("utf8");
    this.buffer = this.buffer.subarray(end + 4 + length);
    return { status: Number(statusLine.split(" ")[1]), headers, body, size: end + 4 + length };
  }
}

/** The head of a request signed with the test root key (over host and x-bce-date), ending in a blank line. */
export function signedHead(baseUrl: string, method: string, pathAndQuery: string, headers: Record<string, string | number> = {}): string {
  const { host } = new URL(baseUrl);
  const [path = "/", rawQuery = ""] = pathAndQuery.split("?");
  const date = bceTimestamp(new Date());
  const authorization = signRequest(
    TEST_CREDENTIALS,
    { method, rawPath: path, query: [...new URLSearchParams(rawQuery)], headers: { host, "x-bce-date": date } },
    { signedHeaders: ["host", "x-bce-date"] },
  );
  const all = { host, "x-bce-date": date, authorization, ...headers };
  return `${method} ${pathAndQuery} HTTP/1.1\r\n${Object.entries(all)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join("")}\r\n`;
}
