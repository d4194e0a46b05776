/**
 * The access line and the response's close hook on the app's own server (createHttpServer, whose
 * responses are AppResponses): each response on a keep-alive connection is logged once with its
 * own bytes on the wire, a response cut off by its client is logged as aborted, and the hook runs
 * once, before the response's 'close' listeners.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import type { IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterEach, expect, it } from "vitest";
import type { AppResponse } from "@/lib/http/app-response";
import { createHttpServer, type AppServer } from "@/lib/http/create-http-server";
import { observeRequest, type ObservedRequest, type RequestTelemetry } from "@/lib/http/request-telemetry";
import { createLogger } from "@/lib/observability/logger";
import { newRequestId } from "@/lib/observability/request-id";
import { RawConnection } from "../support/raw-http";
import { WAIT_TIMEOUT_MS } from "../support/timeouts";
import { waitFor } from "../support/wait";

const dirs: string[] = [];
const servers: AppServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

interface Logged {
  requestId: string;
  operation: string;
  bucket: string | null;
  key: string;
  status: number;
  bytes: number;
  aborted?: true;
}

/**
 * A server observing every request as a BOS one, named GetObject with its path as the key (unless
 * `named` is false); `answer` answers it, and may name it itself.
 */
async function observedServer(answer: (req: IncomingMessage, res: AppResponse, seen: ObservedRequest) => void, named = true) {
  const dir = mkdtempSync(path.join(os.tmpdir(), "request-telemetry-"));
  dirs.push(dir);
  const file = path.join(dir, "log");
  const telemetry: RequestTelemetry = { logger: createLogger({ level: "info", to: file }), metrics: null };
  const server = createHttpServer((req, res) => {
    const seen = observeRequest(telemetry, req, res, "bos", newRequestId());
    if (named) {
      seen.operation = "GetObject";
      seen.key = req.url ?? null;
    }
    answer(req, res, seen);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const lines = async (): Promise<Logged[]> => {
    await new Promise<void>((resolve) => telemetry.logger.flush(() => resolve()));
    const text = readFileSync(file, "utf8").trim();
    return text === "" ? [] : text.split("\n").map((line) => JSON.parse(line) as Logged);
  };
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, lines };
}

const get = (key: string) => `GET ${key} HTTP/1.1\r\nHost: test\r\n\r\n`;

it("logs each response on a keep-alive connection once, with the bytes it put on the wire, headers included", async () => {
  const { url, lines } = await observedServer((req, res) => {
    const body = "x".repeat(Number(req.url!.slice(1)));
    res.writeHead(200, { "content-type": "text/plain", "content-length": body.length }).end(body);
  });
  const connection = await RawConnection.open(url);
  const sizes: number[] = [];
  for (const length of [10, 5000, 0, 70_000]) {
    await connection.write(get(`/${length}`));
    const response = await connection.nextResponse(WAIT_TIMEOUT_MS);
    expect(response.body.length).toBe(length);
    sizes.push(response.size);
  }
  // A second connection counts from its own start.
  const other = await RawConnection.open(url);
  await other.write(get("/3"));
  sizes.push((await other.nextResponse(WAIT_TIMEOUT_MS)).size);
  await waitFor(async () => (await lines()).length === 5, "five access lines");
  const logged = await lines();
  expect(logged.map((line) => [line.key, line.status, line.bytes])).toEqual(["/10", "/5000", "/0", "/70000", "/3"].map((key, i) => [key, 200, sizes[i]]));
  expect(logged.every((line) => line.aborted === undefined)).toBe(true);
  expect(new Set(logged.map((line) => line.requestId)).size).toBe(5);
  connection.destroy();
  other.destroy();
});

it("logs a response its client cut off as aborted, once", async () => {
  const { url, lines } = await observedServer((req, res) => {
    if (req.url !== "/cut") return void res.end("whole");
    res.writeHead(200, { "content-type": "text/plain", "content-length": 1_000_000 });
    res.write("a first part");
  });
  const connection = await RawConnection.open(url);
  await connection.write(get("/cut"));
  await waitFor(() => connection.answered, "the response's head");
  connection.destroy();
  await waitFor(async () => (await lines()).length === 1, "an access line for the cut-off response");
  // A later request's line comes after it, and nothing more for the cut-off one.
  expect(await (await fetch(`${url}/after`)).text()).toBe("whole");
  await waitFor(async () => (await lines()).length === 2, "the later request's line");
  expect((await lines()).map((line) => [line.key, line.status, line.aborted ?? false])).toEqual([
    ["/cut", 200, true],
    ["/after", 200, false],
  ]);
});

it("logs what was known when the response closed: names a dispatcher sets afterwards change nothing", async () => {
  const { url, lines } = await observedServer((_req, res, seen) => {
    seen.bucket = "known";
    res.end("answered before the names were all known");
    // As a dispatcher whose signing-key lookup ends after its client left: after the close hook.
    res.on("close", () => {
      seen.operation = "GetObject";
      seen.bucket = "late";
      seen.key = "late.txt";
    });
  }, false);
  await (await fetch(`${url}/late.txt`)).text();
  await waitFor(async () => (await lines()).length === 1, "the access line");
  expect((await lines()).map(({ operation, bucket, key }) => ({ operation, bucket, key }))).toEqual([{ operation: "Unresolved", bucket: "known", key: null }]);
});

it("runs a response's close hook once, before its 'close' listeners, and refuses a second hook", async () => {
  const events: string[] = [];
  let refused: unknown = null;
  const server = createHttpServer((_req, res) => {
    res.on("close", () => events.push("listener"));
    res.whenClosed({ closed: (response) => events.push(`hook: ${response === res ? "this response" : "another"}, ${response.writableFinished ? "finished" : "cut off"}`) });
    try {
      res.whenClosed({ closed: () => events.push("second hook") });
    } catch (error) {
      refused = error;
    }
    res.end("done");
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/hooked`);
  expect(await response.text()).toBe("done");
  await waitFor(() => events.length === 2, "the response's close");
  expect(events).toEqual(["hook: this response, finished", "listener"]);
  expect(refused).toBeInstanceOf(Error);
});
