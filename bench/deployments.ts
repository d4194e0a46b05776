/**
 * Deployments compared in one run (issue 11, section 4): the production app (`npm run build` first)
 * on SQLite + disk, SQLite + Ceph RGW and PostgreSQL + Ceph RGW, one instance each; then PostgreSQL +
 * Ceph as three instances behind nginx (round-robin upstream on loopback, keep-alive, unbuffered)
 * against one instance behind the same nginx. PostgreSQL and Ceph are started here unless they are
 * up (scripts/start-postgres.sh, scripts/start-ceph.sh; PG_*, CEPH_* choose where) and stopped at the
 * end if they were started here. wrk for hit throughput (4 KiB and 1 MiB, anonymous GETs of a
 * public-read bucket, 1 thread, 32 connections; with the instances' CPU time per request from /proc),
 * curl for 64 MiB back-to-origin misses from nginx serving a file; rounds rotate the configurations'
 * order; medians with their ranges. Prints two tables; nothing here fails on a timing.
 *
 *   npm run build && npm run bench:deployments [-- --rounds=5 --misses=5 --port=4300]
 *
 * Ports: the origin on --port, the apps and balancers on the next eight.
 */
import { randomBytes } from "node:crypto";
import { execFile, execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { signedFetch } from "@/lib/auth/signed-fetch";
import { createDatabase, dropDatabase, uniqueDatabaseName } from "@/tests/support/test-databases";
import { startApp, type AppProcess } from "./support/app-process";
import { startBackingServices } from "./support/backing-services";
import { startNginx, startNginxBalancer, type NginxProcess } from "./support/nginx";
import { cpuSince, cpuSnapshot } from "./support/proc-cpu";
import { wrk } from "./support/wrk";

const argument = (name: string, fallback: number) => Number(process.argv.find((arg) => arg.startsWith(`--${name}=`))?.split("=")[1] ?? fallback);
const ROUNDS = argument("rounds", 5);
const MISSES = argument("misses", 5);
const PORT = argument("port", 4300);
const WRK_SECONDS = 3;
const MiB = 1024 * 1024;
const MISS_KEY = "mirror/big64.bin";

const run = promisify(execFile);
const uptime = () => execFileSync("uptime", { encoding: "utf8" }).trim();
const work = mkdtempSync(path.join(os.tmpdir(), "bos-mirror-deployments-bench-"));
const files = path.join(work, "files");
mkdirSync(files);
writeFileSync(path.join(files, "small.bin"), randomBytes(4096));
writeFileSync(path.join(files, "medium.bin"), randomBytes(MiB));
writeFileSync(path.join(files, "big64.bin"), randomBytes(64 * MiB));

const credentials = { accessKeyId: "benchroot01", secretKey: "bench-secret-key-0123456789" };
const common = { ORIGIN_ALLOWLIST: "127.0.0.1", ROOT_ACCESS_KEY: credentials.accessKeyId, ROOT_SECRET_KEY: credentials.secretKey };

/** What clients measure: `url`, an instance or a balancer in front of `instances`. */
interface Target {
  name: string;
  url: string;
  instances: AppProcess[];
}

interface Figures {
  small: number[];
  medium: number[];
  /** CPU time of the instances (all their threads) per request, µs: steadier than rates on a busy machine. */
  smallCpu: number[];
  mediumCpu: number[];
  ttfb: number[];
  ttlb: number[];
}

/**
 * Sends an idempotent request again once when its reused keep-alive connection turns out closed: wrk
 * runs synchronously here, so during a minute of hit rounds this process sees neither its idle
 * connections' keep-alive timers nor the server closing them, and the next request may take one.
 */
async function idempotent(send: () => Promise<Response>): Promise<Response> {
  try {
    return await send();
  } catch (error) {
    if ((error as { cause?: { code?: string } }).cause?.code !== "UND_ERR_SOCKET") throw error;
    return send();
  }
}

async function call(app: AppProcess, method: string, urlPath: string, body?: Uint8Array | string, headers: Record<string, string> = {}) {
  const send = () => signedFetch(credentials, `${app.baseUrl}${urlPath}`, { method, body: body as BodyInit | undefined, headers });
  // The bench sends only PUTs and DELETEs: idempotent, so sending one again is safe.
  const response = await idempotent(send);
  await response.arrayBuffer();
  return response.status;
}

/** A public-read bucket with a 4 KiB and a 1 MiB object, and a rule mirroring mirror* from nginx. */
async function prepare(app: AppProcess, originHost: string) {
  const setup = [
    await call(app, "PUT", "/v1/bench"),
    await call(app, "PUT", "/v1/bench?acl", undefined, { "x-bce-acl": "public-read" }),
    await call(app, "PUT", "/v1/bench/small.bin", readFileSync(path.join(files, "small.bin"))),
    await call(app, "PUT", "/v1/bench/medium.bin", readFileSync(path.join(files, "medium.bin"))),
    await call(app, "PUT", "/v1/bench?mirroring", JSON.stringify({ bucketMirroringConfiguration: [{ resource: "mirror*", sourceUrl: originHost, version: "v2", prefixReplace: "quiet" }] })),
  ];
  if (setup.some((status) => status !== 200)) throw new Error(`setting up ${app.baseUrl} answered ${setup.join(", ")}`);
}

/** Deletes the mirrored object, then waits until every instance answers 404 (the cache-change bound). */
async function forgetMirroredObject(target: Target) {
  const status = await call(target.instances[0]!, "DELETE", `/v1/bench/${MISS_KEY}`);
  if (status !== 204 && status !== 404) throw new Error(`DELETE on ${target.name} answered ${status}`);
  const deadline = Date.now() + 30_000;
  for (const instance of target.instances) {
    // HEAD never goes back to origin: a 404 means this instance no longer has the object.
    while ((await idempotent(() => fetch(`${instance.baseUrl}/v1/bench/${MISS_KEY}`, { method: "HEAD" }))).status !== 404) {
      if (Date.now() > deadline) throw new Error(`${instance.baseUrl} still has ${MISS_KEY} 30 s after its DELETE`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

async function curlDownload(url: string): Promise<{ ttfb: number; ttlb: number }> {
  const { stdout } = await run("curl", ["-s", "-o", "/dev/null", "-w", "%{http_code} %{time_starttransfer} %{time_total} %{size_download}", url]);
  const [status, starttransfer, total, size] = stdout.trim().split(" ").map(Number);
  if (status !== 200 || size !== 64 * MiB) throw new Error(`${url} answered ${status} with ${size} bytes`);
  return { ttfb: starttransfer! * 1000, ttlb: total! * 1000 };
}

/** One wrk run, with the CPU time every instance behind the target spent meanwhile, per request. */
function hitRound(target: Target, file: string) {
  const before = target.instances.map((instance) => cpuSnapshot(instance.child.pid!));
  const result = wrk(`${target.url}/v1/bench/${file}`, WRK_SECONDS);
  const cpuMs = target.instances.reduce((sum, instance, i) => sum + cpuSince(instance.child.pid!, before[i]!).all, 0);
  return { ...result, cpuMicrosPerRequest: (cpuMs * 1000) / result.requests };
}

/** Round r starts at the r-th target, so no configuration always runs first (or right after another). */
const rotated = <T>(items: T[], round: number) => items.map((_, i) => items[(i + round) % items.length]!);

async function measure(targets: Target[]): Promise<Map<string, Figures>> {
  const figures = new Map(targets.map((target) => [target.name, { small: [], medium: [], smallCpu: [], mediumCpu: [], ttfb: [], ttlb: [] } as Figures]));
  for (const target of targets) {
    // Warm-up: JIT, caches, and keep-alive connections of the balancer to every instance.
    wrk(`${target.url}/v1/bench/small.bin`, 1);
    wrk(`${target.url}/v1/bench/medium.bin`, 1);
    // A first miss per instance starts its MD5 worker, origin connection and upload paths: not measured.
    for (const instance of target.instances) {
      await forgetMirroredObject(target);
      await curlDownload(`${instance.baseUrl}/v1/bench/${MISS_KEY}`);
    }
  }
  for (let round = 0; round < ROUNDS; round++) {
    for (const target of rotated(targets, round)) {
      const figuresOf = figures.get(target.name)!;
      const small = hitRound(target, "small.bin");
      figuresOf.small.push(small.requestsPerSecond);
      figuresOf.smallCpu.push(small.cpuMicrosPerRequest);
      const medium = hitRound(target, "medium.bin");
      figuresOf.medium.push(medium.bytesPerSecond);
      figuresOf.mediumCpu.push(medium.cpuMicrosPerRequest);
    }
  }
  for (let attempt = 0; attempt < MISSES; attempt++) {
    for (const target of rotated(targets, attempt)) {
      await forgetMirroredObject(target);
      execFileSync("sync");
      const miss = await curlDownload(`${target.url}/v1/bench/${MISS_KEY}`);
      figures.get(target.name)!.ttfb.push(miss.ttfb);
      figures.get(target.name)!.ttlb.push(miss.ttlb);
    }
  }
  return figures;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** One table: a column per target (median and range), then each target's ratio to the first. */
function printTable(targets: Target[], figures: Map<string, Figures>) {
  const [reference, ...others] = targets.map((target) => target.name);
  console.log(`| figure | ${[reference, ...others].join(" | ")} | ${others.map((name) => `${name} / ${reference}`).join(" | ")} |`);
  console.log(`|---|${"---|".repeat(targets.length + others.length)}`);
  const row = (label: string, pick: (figures: Figures) => number[], format: (value: number) => string) => {
    const cells = targets.map(({ name }) => {
      const values = pick(figures.get(name)!);
      return `${format(median(values))} (${format(Math.min(...values))}–${format(Math.max(...values))})`;
    });
    const base = median(pick(figures.get(reference!)!));
    const ratios = others.map((name) => (median(pick(figures.get(name)!)) / base).toFixed(2));
    console.log(`| ${label} | ${[...cells, ...ratios].join(" | ")} |`);
  };
  row("hit GET 4 KiB, req/s", (f) => f.small, (value) => value.toFixed(0));
  row("hit GET 4 KiB, app CPU per request, µs", (f) => f.smallCpu, (value) => value.toFixed(0));
  row("hit GET 1 MiB, MB/s", (f) => f.medium, (value) => (value / 1e6).toFixed(0));
  row("hit GET 1 MiB, app CPU per request, µs", (f) => f.mediumCpu, (value) => value.toFixed(0));
  row("miss 64 MiB, time to first byte, ms", (f) => f.ttfb, (value) => value.toFixed(0));
  row("miss 64 MiB, time to last byte, ms", (f) => f.ttlb, (value) => value.toFixed(0));
}

const started = Date.now();
const loadAtStart = uptime();
const services = startBackingServices();
const postgresServer = services.postgres.settings.DATABASE_URL!;
const database = uniqueDatabaseName("bench_deployments");
const cephSettings = { ...services.ceph.settings, BLOB_STORE: "s3" };
const bucketName = (label: string) => `bench-${label}-${randomBytes(4).toString("hex")}`;
const dataDir = (name: string) => {
  const dir = path.join(work, name);
  mkdirSync(dir);
  return dir;
};
const apps: AppProcess[] = [];
const balancers: NginxProcess[] = [];
let origin: NginxProcess | undefined;
let keepWork = false;
try {
  origin = await startNginx(files, PORT, path.join(work, "origin"));
  const originHost = origin.url.replace("http://", "");
  const postgresUrl = await createDatabase(postgresServer, database);
  const sqliteDisk = dataDir("sqlite-disk");
  const sqliteCeph = dataDir("sqlite-ceph");
  // The PostgreSQL instances share one data directory: the master key that seals access keys' secrets.
  const fleetDir = dataDir("postgres-ceph");
  const fleetEnv = { ...common, ...cephSettings, DATA_DIR: fleetDir, DATABASE_URL: postgresUrl, BLOB_S3_BUCKET: bucketName("pg") };
  const start = async (port: number, env: Record<string, string>) => {
    const app = await startApp(port, env);
    apps.push(app);
    return app;
  };
  const single = [
    { name: "SQLite + disk", app: await start(PORT + 1, { ...common, DATA_DIR: sqliteDisk, DATABASE_URL: `file:${sqliteDisk}/app.db`, BLOB_STORE: "disk" }) },
    { name: "SQLite + Ceph RGW", app: await start(PORT + 2, { ...common, ...cephSettings, DATA_DIR: sqliteCeph, DATABASE_URL: `file:${sqliteCeph}/app.db`, BLOB_S3_BUCKET: bucketName("sqlite") }) },
    // Started alone first: it applies the migrations; the other two join it for the second table.
    { name: "PostgreSQL + Ceph RGW", app: await start(PORT + 3, { ...fleetEnv, INSTANCE_NAME: "bench-a" }) },
  ];
  for (const { app } of single) await prepare(app, originHost);
  const singleTargets = single.map(({ name, app }) => ({ name, url: app.baseUrl, instances: [app] }));
  const singleFigures = await measure(singleTargets);

  // The SQLite apps are done: stopped, so they take no memory or heartbeat CPU from the fleet.
  await Promise.all(apps.splice(0, 2).map((app) => app.stop()));
  const fleet = [single[2]!.app, await start(PORT + 4, { ...fleetEnv, INSTANCE_NAME: "bench-b" }), await start(PORT + 5, { ...fleetEnv, INSTANCE_NAME: "bench-c" })];
  balancers.push(await startNginxBalancer([PORT + 3], PORT + 6, path.join(work, "balancer-1")));
  balancers.push(await startNginxBalancer([PORT + 3, PORT + 4, PORT + 5], PORT + 7, path.join(work, "balancer-3")));
  const fleetTargets = [
    { name: "1 instance", url: balancers[0]!.url, instances: fleet.slice(0, 1) },
    { name: "3 instances", url: balancers[1]!.url, instances: fleet },
  ];
  const fleetFigures = await measure(fleetTargets);

  console.log(`\nLoad: \`${loadAtStart}\` at the start, \`${uptime()}\` at the end; ${os.cpus().length} CPUs; ${Math.round((Date.now() - started) / 1000)} s.`);
  console.log(`PostgreSQL ${services.postgres.startedHere ? "started" : "found running"}, Ceph ${services.ceph.startedHere ? "started" : "found running"} by this run.`);
  console.log(`Hits: medians (and ranges) of ${ROUNDS} wrk rounds (1 thread, 32 connections, ${WRK_SECONDS} s); misses: medians (and ranges) of ${MISSES} curl downloads; rounds rotate the order.\n`);
  console.log("One instance each, clients straight to the instance:\n");
  printTable(singleTargets, singleFigures);
  console.log("\nPostgreSQL + Ceph RGW behind nginx (round-robin upstream, keep-alive): one instance vs three, the other two idle in the first column:\n");
  printTable(fleetTargets, fleetFigures);
} catch (error) {
  // The instances' logs tell why one of them stopped answering: kept, with the rest of the run's files.
  keepWork = true;
  console.error(`bench failed; the apps' logs are in ${work}`);
  throw error;
} finally {
  await Promise.all([...apps.map((app) => app.stop()), ...balancers.map((balancer) => balancer.stop()), origin?.stop()]);
  await dropDatabase(postgresServer, database).catch(() => undefined);
  services.stop();
  if (!keepWork) rmSync(work, { recursive: true, force: true });
}
