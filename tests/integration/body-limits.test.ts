/**
 * Request bodies are limited while they stream, over real sockets, against the API server in its
 * own process so that its memory can be measured: a body declared too large is refused before
 * any of it is read, a chunked body as soon as it passes the limit, both with 413 and
 * `Connection: close`, and the process's peak memory does not grow with what was sent.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_JSON_BODY_BYTES } from "@/lib/api/body-limit";
import { RawConnection } from "../support/raw-http";
import { WAIT_TIMEOUT_MS } from "../support/timeouts";

const MiB = 1024 * 1024;
const ATTACK_BYTES = 300 * MiB;
/** What the server may hold beyond its baseline: the limit, socket buffers and ordinary garbage, far below the attack. */
const MEMORY_HEADROOM = 64 * MiB;

let child: ChildProcess;
let url = "";

beforeAll(async () => {
  child = spawn(process.execPath, ["--import", "tsx", "tests/support/api-server-main.ts"], { stdio: ["ignore", "pipe", "inherit"] });
  url = await new Promise<string>((resolve, reject) => {
    let output = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening (http:\/\/\S+)/.exec(output);
      if (match) resolve(match[1]!);
    });
    child.once("exit", (code) => reject(new Error(`API server exited with ${code}: ${output}`)));
  });
});

afterAll(async () => {
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGKILL");
  await exited;
});

async function peakMemory(): Promise<number> {
  const response = await fetch(`${url}/__test/memory`);
  return ((await response.json()) as { maxRssBytes: number }).maxRssBytes;
}

interface StreamResult {
  status: number;
  connection: string | undefined;
  body: { code?: string };
  sent: number;
}

/**
 * POSTs a chunked body, keeping to the socket's pace, until the server answers: `total` bytes of
 * spaces in 1 MiB chunks, or the bytes given.
 */
function streamChunked(path: string, body: number | Buffer): Promise<StreamResult> {
  const { host, hostname, port } = new URL(url);
  const spaces = Buffer.alloc(MiB, " ");
  const size = typeof body === "number" ? body : body.length;
  const nextChunk = (at: number) => (typeof body === "number" ? spaces : body.subarray(at, at + 64 * 1024));
  return new Promise((resolve, reject) => {
    let sent = 0;
    let answered = false;
    const req = request(
      { host: hostname, port, path, method: "POST", agent: false, headers: { host, origin: `http://${host}`, "content-type": "application/json", "transfer-encoding": "chunked" } },
      (res) => {
        answered = true;
        const parts: Buffer[] = [];
        res.on("data", (part: Buffer) => parts.push(part));
        res.on("end", () => {
          resolve({ status: res.statusCode!, connection: res.headers.connection, body: JSON.parse(Buffer.concat(parts).toString()), sent });
          req.destroy();
        });
      },
    );
    // Writing on after the server has answered and closed fails; only an error before the answer counts.
    req.on("error", (error) => answered || reject(error));
    const pump = () => {
      while (!answered && sent < size) {
        const chunk = nextChunk(sent);
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once("drain", pump);
      }
      if (!answered) req.end();
    };
    pump();
  });
}

describe("request body limits", () => {
  it(`refuses a declared ${ATTACK_BYTES / MiB} MiB body with 413 before reading any of it`, async () => {
    const connection = await RawConnection.open(url);
    const { host } = new URL(url);
    await connection.write(
      `POST /api/auth/login HTTP/1.1\r\nhost: ${host}\r\norigin: http://${host}\r\ncontent-type: application/json\r\ncontent-length: ${ATTACK_BYTES}\r\n\r\n`,
    );
    const response = await connection.nextResponse(WAIT_TIMEOUT_MS);
    expect(response.status).toBe(413);
    expect(response.headers.connection).toBe("close");
    expect(JSON.parse(response.body)).toMatchObject({ code: "PayloadTooLarge", requestId: expect.any(String) });
    expect(await connection.closesWithin(WAIT_TIMEOUT_MS)).toBe(true);
  });

  it(`stops a streamed (chunked) ${ATTACK_BYTES / MiB} MiB body at the limit with 413, and memory stays flat`, async () => {
    const before = await peakMemory();
    for (const path of ["/api/auth/login", "/api/auth/login"]) {
      const result = await streamChunked(path, ATTACK_BYTES);
      expect(result.status).toBe(413);
      expect(result.body).toMatchObject({ code: "PayloadTooLarge" });
      expect(result.connection).toBe("close");
      // Answered long before the attacker finished: the rest was never read.
      expect(result.sent).toBeLessThan(ATTACK_BYTES / 2);
    }
    expect((await peakMemory()) - before).toBeLessThan(MEMORY_HEADROOM);
  });

  it("refuses a chunked body one byte over the limit, valid JSON but for its size", async () => {
    const login = '{"email":"a@example.com","password":"x"}';
    // Chunked, so no Content-Length is declared: the limit is counted as the body arrives.
    const result = await streamChunked("/api/auth/login", Buffer.from(`${" ".repeat(MAX_JSON_BODY_BYTES + 1 - login.length)}${login}`));
    expect(result.status).toBe(413);
    expect(result.body).toMatchObject({ code: "PayloadTooLarge" });
  });

  it("still reads a body just under the limit", async () => {
    const { host } = new URL(url);
    const padding = " ".repeat(MAX_JSON_BODY_BYTES - 100);
    const response = await fetch(`${url}/api/auth/login`, {
      method: "POST",
      headers: { host, origin: `http://${host}`, "content-type": "application/json" },
      body: `${padding}{"email":"a@example.com","password":"x"}`,
    });
    expect(response.status).toBe(401);
  });
});

describe("malformed request paths under /api", () => {
  it.each(["/api/buckets/%", "/api/buckets/%zz", "/api/buckets/%E0%A4%A", "/api/buckets/%C0%AF"])("%s answers 400 in the API's error shape", async (path) => {
    const response = await fetch(`${url}${path}`);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: "MalformedUrl", message: expect.stringMatching(/percent/), requestId: expect.any(String) });
  });
});
