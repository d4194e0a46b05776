/**
 * Object bytes on disk vs in Ceph's S3 gateway (issue 11), in one run: the production app twice
 * (`npm run build` first), once with BLOB_STORE=disk and once with BLOB_STORE=s3 on the cluster
 * scripts/start-ceph.sh runs (started here if it is not up), both SQLite. wrk for hit throughput
 * (4 KiB and 1 MiB, anonymous GETs of a public-read bucket, alternating rounds, medians) and curl
 * for 64 MiB back-to-origin misses (from nginx serving a file, alternating, medians). Prints one
 * table; nothing here fails on a timing. `npm run bench:blob-stores`.
 */
import { randomBytes } from "node:crypto";
import { execFile, execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { signedFetch } from "@/lib/auth/signed-fetch";
import { startApp, type AppProcess } from "./support/app-process";
import { startNginx } from "./support/nginx";
import { wrk } from "./support/wrk";

const MiB = 1024 * 1024;
const MISS_RUNS = 5;
const run = promisify(execFile);
const work = mkdtempSync(path.join(os.tmpdir(), "bos-mirror-blob-stores-bench-"));
const files = path.join(work, "files");
mkdirSync(files);
writeFileSync(path.join(files, "small.bin"), randomBytes(4096));
writeFileSync(path.join(files, "medium.bin"), randomBytes(MiB));
writeFileSync(path.join(files, "big64.bin"), randomBytes(64 * MiB));

/** The cluster's settings, as `eval "$(bash scripts/start-ceph.sh)"` would export them. */
function cephSettings(): Record<string, string> {
  const output = execFileSync("bash", ["scripts/start-ceph.sh"], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
  return Object.fromEntries([...output.matchAll(/^export (\w+)=(.*)$/gm)].map((match) => [match[1]!, match[2]!]));
}

const credentials = { accessKeyId: "benchroot01", secretKey: "bench-secret-key-0123456789" };
const common = { ORIGIN_ALLOWLIST: "127.0.0.1", ROOT_ACCESS_KEY: credentials.accessKeyId, ROOT_SECRET_KEY: credentials.secretKey };

async function call(app: AppProcess, method: string, urlPath: string, body?: Uint8Array | string, headers: Record<string, string> = {}) {
  const response = await signedFetch(credentials, `${app.baseUrl}${urlPath}`, { method, body: body as BodyInit | undefined, headers });
  await response.arrayBuffer();
  return response.status;
}

async function curlDownload(url: string): Promise<{ ttfb: number; ttlb: number }> {
  const { stdout } = await run("curl", ["-s", "-o", "/dev/null", "-w", "%{http_code} %{time_starttransfer} %{time_total} %{size_download}", url]);
  const [status, starttransfer, total, size] = stdout.trim().split(" ").map(Number);
  if (status !== 200 || size !== 64 * MiB) throw new Error(`${url} answered ${status} with ${size} bytes`);
  return { ttfb: starttransfer! * 1000, ttlb: total! * 1000 };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

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

const loadAtStart = os.loadavg();
const ceph = cephSettings();
const nginx = await startNginx(files, 3391, work);
const apps: { disk?: AppProcess; s3?: AppProcess } = {};
try {
  apps.disk = await startApp(3392, { ...common, BLOB_STORE: "disk" });
  apps.s3 = await startApp(3393, { ...common, ...ceph, BLOB_S3_BUCKET: `bench-${randomBytes(4).toString("hex")}` });
  const stores = [
    ["disk", apps.disk],
    ["Ceph RGW (S3)", apps.s3],
  ] as const;
  for (const [, app] of stores) await prepare(app, nginx.url.replace("http://", ""));

  const hits = { small: new Map<string, number[]>(), medium: new Map<string, number[]>() };
  for (const [name, app] of stores) {
    wrk(`${app.baseUrl}/v1/bench/small.bin`, 1); // warm-up (caches, JIT)
    hits.small.set(name, []);
    hits.medium.set(name, []);
  }
  for (let round = 0; round < 3; round++) {
    for (const [name, app] of stores) {
      hits.small.get(name)!.push(wrk(`${app.baseUrl}/v1/bench/small.bin`, 3).requestsPerSecond);
      hits.medium.get(name)!.push(wrk(`${app.baseUrl}/v1/bench/medium.bin`, 3).bytesPerSecond);
    }
  }

  const misses = new Map<string, { ttfb: number; ttlb: number }[]>(stores.map(([name]) => [name, []]));
  for (let attempt = 0; attempt < MISS_RUNS; attempt++) {
    for (const [name, app] of stores) {
      if ((await call(app, "DELETE", "/v1/bench/mirror/big64.bin")) !== 204 && attempt > 0) throw new Error("the mirrored object was not stored");
      execFileSync("sync");
      misses.get(name)!.push(await curlDownload(`${app.baseUrl}/v1/bench/mirror/big64.bin`));
    }
  }

  const load = (values: number[]) => values.map((value) => value.toFixed(2)).join(", ");
  console.log(`Load average (1, 5, 15 min): ${load(loadAtStart)} at the start, ${load(os.loadavg())} at the end; ${os.cpus().length} CPUs.`);
  console.log(`Same run, same machine, SQLite for both; hits: medians of 3 wrk rounds (1 thread, 32 connections, 3 s); misses: medians of ${MISS_RUNS}, curl.\n`);
  console.log("| figure | disk | Ceph RGW (S3) | S3 / disk |\n|---|---|---|---|");
  const row = (figure: string, disk: number, s3: number, format: (value: number) => string) =>
    console.log(`| ${figure} | ${format(disk)} | ${format(s3)} | ${(s3 / disk).toFixed(2)} |`);
  const [diskName, s3Name] = stores.map(([name]) => name);
  row("hit GET 4 KiB, req/s", median(hits.small.get(diskName!)!), median(hits.small.get(s3Name!)!), (value) => value.toFixed(0));
  row("hit GET 1 MiB, throughput", median(hits.medium.get(diskName!)!), median(hits.medium.get(s3Name!)!), (value) => `${(value / 1e9).toFixed(2)} GB/s`);
  const ms = (value: number) => `${value.toFixed(0)} ms`;
  row("mirror miss 64 MiB, time to first byte", median(misses.get(diskName!)!.map((m) => m.ttfb)), median(misses.get(s3Name!)!.map((m) => m.ttfb)), ms);
  row("mirror miss 64 MiB, time to last byte", median(misses.get(diskName!)!.map((m) => m.ttlb)), median(misses.get(s3Name!)!.map((m) => m.ttlb)), ms);
} finally {
  await Promise.all([apps.disk?.stop(), apps.s3?.stop()]);
  await nginx.stop();
  rmSync(work, { recursive: true, force: true });
}
