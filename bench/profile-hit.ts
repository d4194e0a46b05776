/**
 * CPU profile of the app's main thread while wrk (1 thread, 32 connections) hits one stored object,
 * through BOS or S3 (presigned, so every request's signature is verified), or anonymously:
 *   npx tsx bench/profile-hit.ts [--protocol=bos|s3|anonymous] [--size=4096] [--seconds=10]
 *     [--quiet] (LOG_LEVEL=silent, METRICS_ENABLED=false) [--no-profile] [--port=3384]
 *     [--compare] (the app with logging and metrics, then without: what the first costs, per function)
 *     [--app-dir=DIR] (another checkout of the app, built, with its node_modules: before/after figures)
 * Prints req/s, the app's CPU per request (all threads, and per thread name: the log's batched writes
 * run on libuv's pool, the collector on V8's), and the top functions by self time per request, counted
 * only while wrk measured (bench/support/cpu-profile.ts). Run `npm run build` first.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { signedFetch } from "@/lib/auth/signed-fetch";
import { signRequest as bceSign } from "@/lib/auth/bce-signature";
import { presignUrl } from "@/lib/s3/auth/sign";
import { startApp } from "./support/app-process";
import { formatSummary, summariseProfile, type ProfileSummary } from "./support/cpu-profile";
import { cpuByThreadName, cpuSince, cpuSnapshot, threadCpu } from "./support/proc-cpu";
import { wrk } from "./support/wrk";

const option = (name: string, fallback: string) => process.argv.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const protocol = option("protocol", "bos");
const size = Number(option("size", "4096"));
const seconds = Number(option("seconds", "10"));
const port = Number(option("port", "3384"));
const profiling = !process.argv.includes("--no-profile");
const compare = process.argv.includes("--compare");
const appDir = process.argv.find((arg) => arg.startsWith("--app-dir="))?.slice("--app-dir=".length);
const credentials = { accessKeyId: "benchroot01", secretKey: "bench-secret-key-0123456789" };
/** Microseconds on the monotonic clock, the one V8's profiler stamps its samples with. */
const nowUs = () => Number(process.hrtime.bigint() / 1000n);

interface HitRun {
  requests: number;
  requestsPerSecond: number;
  cpuUs: number;
  byThread: [string, number][];
  /** Main-thread samples taken while wrk measured; null without --cpu-prof. */
  profile: ProfileSummary | null;
}

async function profileHit(quiet: boolean): Promise<HitRun> {
  const profiles = mkdtempSync(path.join(os.tmpdir(), "bos-mirror-hit-profile-"));
  const app = await startApp(
    port,
    { ROOT_ACCESS_KEY: credentials.accessKeyId, ROOT_SECRET_KEY: credentials.secretKey, ...(quiet ? { LOG_LEVEL: "silent", METRICS_ENABLED: "false" } : { LOG_LEVEL: "info" }) },
    profiling ? ["--cpu-prof", `--cpu-prof-dir=${profiles}`] : [],
    appDir,
  );
  const host = new URL(app.baseUrl).host;
  const call = async (method: string, urlPath: string, body?: Buffer, headers: Record<string, string> = {}) => {
    const response = await signedFetch(credentials, `${app.baseUrl}${urlPath}`, { method, body: body as BodyInit | undefined, headers });
    await response.arrayBuffer();
    if (response.status !== 200) throw new Error(`${method} ${urlPath}: ${response.status}`);
  };
  let measured: Omit<HitRun, "profile">;
  let window: [number, number];
  try {
    await call("PUT", "/v1/hit");
    await call("PUT", "/v1/hit?acl", undefined, { "x-bce-acl": "public-read" });
    await call("PUT", "/v1/hit/object.bin", randomBytes(size));
    const rawPath = "/v1/hit/object.bin";
    const url =
      protocol === "s3"
        ? app.baseUrl + presignUrl({ method: "GET", rawPath: "/hit/object.bin", headers: { host } }, credentials, { region: "us-east-1", expiresSeconds: 3600 })
        : protocol === "bos"
          ? `${app.baseUrl}${rawPath}?authorization=${encodeURIComponent(bceSign(credentials, { method: "GET", rawPath, query: [], headers: { host } }, { expirationSeconds: 3600, signedHeaders: ["host"] }))}`
          : `${app.baseUrl}${rawPath}`;
    wrk(url, 2);
    const before = cpuSnapshot(app.child.pid!);
    const threadsBefore = threadCpu(app.child.pid!);
    const from = nowUs();
    const { requestsPerSecond } = wrk(url, seconds);
    window = [from, nowUs()];
    const requests = requestsPerSecond * seconds;
    const byThread = [...cpuByThreadName(threadsBefore, threadCpu(app.child.pid!))].filter(([, ms]) => ms > 0).sort((a, b) => b[1] - a[1]);
    measured = { requests, requestsPerSecond, cpuUs: (cpuSince(app.child.pid!, before).all * 1000) / requests, byThread };
  } finally {
    await app.stop();
  }
  const file = readdirSync(profiles).find((name) => name.endsWith(".cpuprofile"));
  const profile = file ? summariseProfile(path.join(profiles, file), [window]) : null;
  rmSync(profiles, { recursive: true, force: true });
  return { ...measured, profile };
}

function describe(label: string, run: HitRun): void {
  console.log(`${label}${protocol} ${size} B: ${run.requestsPerSecond.toFixed(0)} req/s, app CPU ${run.cpuUs.toFixed(0)} µs per request; load ${os.loadavg()[0]!.toFixed(1)}`);
  console.log(`  µs per request by thread: ${run.byThread.map(([name, ms]) => `${name} ${((ms * 1000) / run.requests).toFixed(1)}`).join(", ")}`);
}

if (!compare) {
  const run = await profileHit(process.argv.includes("--quiet"));
  describe("", run);
  if (run.profile) console.log(formatSummary(run.profile, run.requests, 30, "request"));
} else {
  // Quiet first, then with logging and metrics: what the second spends more per request, by function.
  const off = await profileHit(true);
  describe("logging and metrics off: ", off);
  const on = await profileHit(false);
  describe("logging and metrics on:  ", on);
  if (off.profile && on.profile) {
    const perRequest = (summary: ProfileSummary, requests: number, key: "group" | "name") => {
      const rows = key === "group" ? summary.groups.map((g) => [g.group, g.ms] as const) : summary.functions.map((f) => [f.name, f.ms] as const);
      return new Map(rows.map(([name, ms]) => [name, (ms * 1000) / requests]));
    };
    for (const key of ["group", "name"] as const) {
      const a = perRequest(off.profile, off.requests, key);
      const b = perRequest(on.profile, on.requests, key);
      const rows = [...new Set([...a.keys(), ...b.keys()])]
        .filter((name) => name !== "idle")
        .map((name) => ({ name, off: a.get(name) ?? 0, on: b.get(name) ?? 0 }))
        .sort((x, y) => Math.abs(y.on - y.off) - Math.abs(x.on - x.off))
        .slice(0, key === "group" ? 20 : 40);
      console.log(`\n| ${key === "group" ? "group" : "function"} | off µs/request | on µs/request | on − off |\n|---|---|---|---|`);
      for (const row of rows) console.log(`| \`${row.name}\` | ${row.off.toFixed(2)} | ${row.on.toFixed(2)} | ${(row.on - row.off).toFixed(2)} |`);
    }
    const busy = (run: HitRun) => (run.profile!.busyMs * 1000) / run.requests;
    console.log(`\nMain thread busy per request (sampled): off ${busy(off).toFixed(1)} µs, on ${busy(on).toFixed(1)} µs.`);
  }
}
