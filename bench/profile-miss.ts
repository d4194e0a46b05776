/**
 * CPU profile of the app's main thread during 64 MiB mirror misses (`node --cpu-prof`), summarised:
 * self time per group (md5, undici's parser, streams and promises, socket writes, fs, ...) and the
 * top functions, counting only samples taken while a miss was being downloaded.
 *   npx tsx bench/profile-miss.ts [--runs=5] [--keep] [--no-profile] [--port=3385] [--app-dir=DIR]   (after `npm run build`; nginx installed)
 * --app-dir: profile another checkout of the app (built, with its node_modules), e.g. the code before a change.
 * --no-profile: timings and CPU use only, without the profiler's overhead (~30% of a miss's CPU).
 * --trace-gc: the app runs with V8's --trace-gc; prints how many scavenges and mark-compacts the
 * measured misses caused (a mark-compact walks the whole heap, ~80 MB with Next loaded).
 * --warm-hits=SECONDS: before the misses, wrk (1 thread, 32 connections) on a 4 KiB and a 1 MiB
 * object of the same app for that long each, as bench/objects.ts's hit rounds do before its misses
 * (its misses are slower than --misses-only's: does serving hits first slow them down?).
 */
import { execFile, execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { signedFetch } from "@/lib/auth/signed-fetch";
import { startApp } from "./support/app-process";
import { formatSummary, summariseProfile } from "./support/cpu-profile";
import { startNginx } from "./support/nginx";
import { wrk } from "./support/wrk";
import { cpuByThreadName, cpuSince, cpuSnapshot, threadCpu, type CpuSnapshot } from "./support/proc-cpu";

const runs = Number(process.argv.find((arg) => arg.startsWith("--runs="))?.slice(7) ?? 5);
/** The app's port; nginx (the origin) listens on the next one. */
const port = Number(process.argv.find((arg) => arg.startsWith("--port="))?.slice(7) ?? 3385);
const appDir = process.argv.find((arg) => arg.startsWith("--app-dir="))?.slice(10);
const keep = process.argv.includes("--keep");
const profiling = !process.argv.includes("--no-profile");
const traceGc = process.argv.includes("--trace-gc");
const warmHitSeconds = Number(process.argv.find((arg) => arg.startsWith("--warm-hits="))?.slice("--warm-hits=".length) ?? 0);
const MiB = 1024 * 1024;
const work = mkdtempSync(path.join(os.tmpdir(), "bos-mirror-profile-"));
const files = path.join(work, "files");
const profiles = path.join(work, "profiles");
mkdirSync(files);
mkdirSync(profiles);
writeFileSync(path.join(files, "big64.bin"), randomBytes(64 * MiB));
const run = promisify(execFile);
const nowUs = () => Number(process.hrtime.bigint() / 1000n);

const nginx = await startNginx(files, port + 1, work);
const credentials = { accessKeyId: "benchroot01", secretKey: "bench-secret-key-0123456789" };
const app = await startApp(
  port,
  { ORIGIN_ALLOWLIST: "127.0.0.1", ROOT_ACCESS_KEY: credentials.accessKeyId, ROOT_SECRET_KEY: credentials.secretKey },
  [...(profiling ? ["--cpu-prof", `--cpu-prof-dir=${profiles}`, "--cpu-prof-interval=250"] : []), ...(traceGc ? ["--trace-gc"] : [])],
  appDir,
).catch(async (error: unknown) => {
  await nginx.stop();
  rmSync(work, { recursive: true, force: true });
  throw error;
});
const call = async (method: string, urlPath: string, body?: string, headers: Record<string, string> = {}) => {
  const response = await signedFetch(credentials, `${app.baseUrl}${urlPath}`, { method, body, headers });
  await response.arrayBuffer();
  return response.status;
};

const windows: [number, number][] = [];
const times: number[] = [];
const cpu: CpuSnapshot[] = [];
const byThread = new Map<string, number>();
/** With --trace-gc: the log's length when the measured misses began (GC lines go to stdout, the log). */
let logAtFirstMiss = 0;
let gcLines: string[] = [];
try {
  await call("PUT", "/v1/prof");
  await call("PUT", "/v1/prof?acl", undefined, { "x-bce-acl": "public-read" });
  const rules = { bucketMirroringConfiguration: [{ resource: "mirror*", sourceUrl: nginx.url.replace("http://", ""), version: "v2", prefixReplace: "quiet" }] };
  if ((await call("PUT", "/v1/prof?mirroring", JSON.stringify(rules))) !== 200) throw new Error("could not set the rule");
  if (warmHitSeconds > 0) {
    for (const [name, size] of [["small", 4096], ["medium", MiB]] as const) {
      const response = await signedFetch(credentials, `${app.baseUrl}/v1/prof/hits/${name}.bin`, { method: "PUT", body: randomBytes(size) });
      if (response.status !== 200) throw new Error(`could not store ${name}.bin: ${response.status}`);
      const { requestsPerSecond } = wrk(`${app.baseUrl}/v1/prof/hits/${name}.bin`, warmHitSeconds);
      console.log(`warm-up: ${name}.bin (${size} B) hits at ${requestsPerSecond.toFixed(0)} req/s for ${warmHitSeconds} s`);
    }
  }
  for (let i = 0; i <= runs; i++) {
    await call("DELETE", "/v1/prof/mirror/big64.bin");
    execFileSync("sync"); // nothing dirty left from the last miss: each one pays for its own writes
    if (i === 1) logAtFirstMiss = statSync(app.logFile).size;
    const from = nowUs();
    const cpuBefore = cpuSnapshot(app.child.pid!);
    const threadsBefore = threadCpu(app.child.pid!);
    const { stdout } = await run("curl", ["-s", "-o", "/dev/null", "-w", "%{http_code} %{time_total}", `${app.baseUrl}/v1/prof/mirror/big64.bin`]);
    const to = nowUs();
    const used = cpuSince(app.child.pid!, cpuBefore);
    const threadsUsed = cpuByThreadName(threadsBefore, threadCpu(app.child.pid!));
    const [status, total] = stdout.split(" ").map(Number);
    if (status !== 200) throw new Error(`the miss answered ${status}`);
    // The first miss warms up (JIT, connections) and is left out.
    if (i > 0) {
      windows.push([from, to]);
      times.push(total! * 1000);
      cpu.push(used);
      for (const [name, ms] of threadsUsed) byThread.set(name, (byThread.get(name) ?? 0) + ms);
    }
    for (let j = 0; j < 400 && (await call("HEAD", "/v1/prof/mirror/big64.bin")) !== 200; j++) await new Promise((r) => setTimeout(r, 25));
  }
  if (traceGc) gcLines = readFileSync(app.logFile).subarray(logAtFirstMiss).toString("utf8").split("\n");
} finally {
  await app.stop();
  await nginx.stop();
}
const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
console.log(`Load average ${os.loadavg().map((v) => v.toFixed(2)).join(", ")}; misses took ${times.map((t) => t.toFixed(0)).join(", ")} ms (curl).`);
console.log(
  `App CPU per miss (from /proc, holds up on a busy machine): main thread ${mean(cpu.map((c) => c.main)).toFixed(0)} ms, all threads ${mean(cpu.map((c) => c.all)).toFixed(0)} ms` +
    ` (${[...byThread].filter(([, ms]) => ms > 0).sort((a, b) => b[1] - a[1]).map(([name, ms]) => `${name} ${(ms / runs).toFixed(0)}`).join(", ")}).\n`,
);
if (traceGc) {
  const count = (kind: string) => gcLines.filter((line) => line.includes(`: ${kind} `)).length;
  console.log(`Garbage collections during the ${runs} measured misses (--trace-gc): ${count("Scavenge")} scavenges, ${count("Mark-Compact")} mark-compacts.\n`);
}
if (profiling) {
  // The main thread's profile is the largest (workers write their own, smaller ones).
  const written = readdirSync(profiles).map((name) => path.join(profiles, name));
  const main = written.sort((a, b) => statSync(b).size - statSync(a).size)[0];
  if (!main) throw new Error("no profile was written");
  console.log(formatSummary(summariseProfile(main, windows), runs));
}
if (keep) console.log(`\nProfiles kept in ${profiles} (open in Chrome DevTools or speedscope).`);
else rmSync(work, { recursive: true, force: true });
