/**
 * The observability of a running server process: its JSON log lines on stdout, /metrics behind
 * METRICS_TOKEN, and back-to-origin activity that survives a shutdown and a kill -9.
 */
import { connect } from "node:net";
import { beforeAll, describe, expect, it } from "vitest";
import * as activityRoute from "@/app/api/buckets/[bucket]/activity/route";
import type { BucketActivity } from "@/lib/activity/activity-query";
import { db } from "@/lib/db/client";
import { RecordingOrigin } from "../support/recording-origin";
import { bucketWithRules } from "../support/object-server";
import { RawConnection, signedHead } from "../support/raw-http";
import { callRoute } from "../support/route-client";
import { serverProcessesFor, type ServerProcess } from "../support/server-process";
import { signedFetch } from "../support/signed-fetch";
import { WAIT_TIMEOUT_MS } from "../support/timeouts";
import { waitFor } from "../support/wait";

const TOKEN = "scrape-token-0123456789abcdef";
const origin = new RecordingOrigin();
const processes = serverProcessesFor(origin);
let server: ServerProcess | null = null;

beforeAll(() => {
  for (const name of ["one", "two", "three", "four"]) origin.serve(`/${name}.txt`, `the ${name} object`);
});

type LogLine = Record<string, unknown>;
/** The JSON lines the process printed (its "listening" line is not one). */
const logLines = (process: ServerProcess): LogLine[] =>
  process
    .stdout()
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as LogLine);

/** Whether a server still listens at `url`. */
const acceptsConnections = (url: string) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(Number(new URL(url).port), new URL(url).hostname);
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });

async function pulledCount(): Promise<number> {
  const answer = await callRoute(activityRoute.GET, { params: { bucket: "observed" } });
  return (answer.body as BucketActivity).totals.pulled;
}

describe("a server process", () => {
  it("logs one access line per request and one line per back-to-origin outcome, at LOG_LEVEL", async () => {
    // A long interval: whatever is in the database after SIGTERM was written by the shutdown.
    server = await processes.start({ LOG_LEVEL: "info", METRICS_TOKEN: TOKEN, TEST_ACTIVITY_FLUSH_MS: "3600000" });
    await bucketWithRules(server.url, "observed", [{ sourceUrl: `http://${origin.host}` }]);
    const response = await signedFetch(`${server.url}/v1/observed/one.txt`);
    expect(await response.text()).toBe("the one object");
    const requestId = response.headers.get("x-bce-request-id");

    const running = server;
    await waitFor(() => logLines(running).some((line) => line.event === "request" && line.requestId === requestId), "the access line");
    const access = logLines(server).find((line) => line.event === "request" && line.requestId === requestId)!;
    expect(access).toMatchObject({ level: 30, protocol: "bos", operation: "GetObject", method: "GET", bucket: "observed", key: "one.txt", status: 200 });
    expect(access.bytes).toBeGreaterThan("the one object".length);
    expect(typeof access.durationMs).toBe("number");
    expect(access.time).toBeGreaterThan(Date.now() - 60_000);
    const puts = logLines(server).filter((line) => line.event === "request" && line.operation === "PutBucketMirroring");
    expect(puts).toHaveLength(1);
    await waitFor(() => logLines(running).some((line) => line.event === "mirror"), "the outcome line");
    expect(logLines(server).find((line) => line.event === "mirror")).toMatchObject({
      bucket: "observed",
      key: "one.txt",
      outcome: "pulled",
      source: "get",
      status: 200,
      originUrl: `http://${origin.host}/one.txt`,
      bytes: "the one object".length,
    });
  });

  it("logs each response's bytes on a kept-alive connection, headers included", async () => {
    const running = server!;
    const connection = await RawConnection.open(running.url);
    const sizes = new Map<string, number>();
    try {
      for (const target of ["/v1/observed/one.txt", "/v1/observed?mirroring", "/v1/observed/one.txt"]) {
        await connection.write(signedHead(running.url, "GET", target));
        const response = await connection.nextResponse(WAIT_TIMEOUT_MS);
        expect(response.status).toBe(200);
        sizes.set(response.headers["x-bce-request-id"]!, response.size);
      }
    } finally {
      connection.destroy();
    }
    const lineOf = (requestId: string) => logLines(running).find((line) => line.event === "request" && line.requestId === requestId);
    await waitFor(() => [...sizes.keys()].every((requestId) => lineOf(requestId)), "the three access lines");
    for (const [requestId, size] of sizes) expect(lineOf(requestId)!.bytes).toBe(size);
  });

  it("serves /metrics only with the bearer token when METRICS_TOKEN is set", async () => {
    const url = `${server!.url}/metrics`;
    const none = await fetch(url);
    expect(none.status).toBe(401);
    expect(none.headers.get("www-authenticate")).toBe('Bearer realm="metrics"');
    expect((await fetch(url, { headers: { authorization: `Bearer ${TOKEN}x` } })).status).toBe(401);
    expect((await fetch(url, { headers: { authorization: `Bearer ${TOKEN.slice(0, -1)}` } })).status).toBe(401);
    const scraped = await fetch(url, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(scraped.status).toBe(200);
    expect(await scraped.text()).toMatch(/bosmirror_mirror_pulls_total\{bucket="observed",rule="\d+",outcome="pulled"\} 1/);
  });

  it("writes the activity it holds when it shuts down", async () => {
    expect(await db().mirrorEvent.count({ where: { bucket: { name: "observed" } } })).toBe(0);
    await server!.stop();
    expect(await pulledCount()).toBe(1);
  });

  it("keeps counting across a kill -9 and a restart", async () => {
    server = await processes.start();
    expect((await signedFetch(`${server.url}/v1/observed/two.txt`)).status).toBe(200);
    // Written within the recorder's interval (a second), before the process is killed.
    await waitFor(async () => (await db().mirrorEvent.count({ where: { key: "two.txt" } })) === 1, "the timed write");
    await server.kill();
    server = await processes.start();
    expect((await signedFetch(`${server.url}/v1/observed/three.txt`)).status).toBe(200);
    await waitFor(async () => (await db().mirrorEvent.count({ where: { key: "three.txt" } })) === 1, "the timed write after the restart");
    expect(await pulledCount()).toBe(3);
    // The default LOG_LEVEL of the test environment is silent: no JSON lines.
    expect(logLines(server)).toEqual([]);
  });

  it("writes the activity it holds when it shuts down with a request still in flight, cut after the grace period", async () => {
    await server!.stop();
    // The request's idle timeout far away: only the cut at the end of the grace period ends the request.
    server = await processes.start({ TEST_ACTIVITY_FLUSH_MS: "3600000", TEST_SHUTDOWN_GRACE_MS: "500", REQUEST_IDLE_TIMEOUT_MS: "600000" });
    const running = server;
    expect((await signedFetch(`${running.url}/v1/observed/four.txt`)).status).toBe(200);
    // A PUT whose body stops arriving: once the server has said "100 Continue", its request is in flight, and stays so.
    const connection = await RawConnection.open(running.url);
    try {
      await connection.write(signedHead(running.url, "PUT", "/v1/observed/unfinished.bin", { "content-length": 1000, expect: "100-continue" }));
      expect((await connection.nextResponse(WAIT_TIMEOUT_MS)).status).toBe(100);
      await connection.write("x".repeat(10));
      // SIGTERM: the server waits for that request through the grace period, cuts it, closes the app and exits.
      const signalled = Date.now();
      const stopped = running.stop();
      await connection.whenClosed;
      // Not before the grace period (a bound a busy machine can only make later; timers never fire early).
      expect(Date.now() - signalled).toBeGreaterThanOrEqual(450);
      await stopped;
      expect(running.child.exitCode).toBe(0);
    } finally {
      connection.destroy();
    }
    expect(await pulledCount()).toBe(4);
    expect(await db().mirrorEvent.count({ where: { key: "four.txt" } })).toBe(1);
  });

  it("closes a kept-alive connection as soon as its response has ended during a stop, without waiting out the grace period", async () => {
    await server!.stop();
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    origin.on("/held.txt", (_req, res) => void released.then(() => res.end("held until the stop")));
    // Neither the grace period nor the request's idle timeout can end it within the test's time.
    server = await processes.start({ TEST_ACTIVITY_FLUSH_MS: "3600000", TEST_SHUTDOWN_GRACE_MS: "600000", REQUEST_IDLE_TIMEOUT_MS: "600000" });
    const running = server;
    const connection = await RawConnection.open(running.url);
    try {
      await connection.write(signedHead(running.url, "GET", "/v1/observed/held.txt"));
      await waitFor(() => origin.requestsFor("/held.txt").length === 1, "the pull at the origin");
      const stopped = running.stop();
      // The stop has begun once the server takes no new connections; only then does the origin answer.
      await waitFor(async () => !(await acceptsConnections(running.url)), "the server to stop listening");
      release();
      const response = await connection.nextResponse(WAIT_TIMEOUT_MS);
      expect(response.status).toBe(200);
      expect(response.body).toBe("held until the stop");
      // The connection was kept alive; the server closes it now, not at its keep-alive timeout (65 s).
      await waitFor(() => connection.closed, "the server to close the kept-alive connection");
      await stopped;
      expect(running.child.exitCode).toBe(0);
    } finally {
      connection.destroy();
    }
    expect(await pulledCount()).toBe(5);
  });
});
