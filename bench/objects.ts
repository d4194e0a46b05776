/**
 * Object-path figures (issue 3), all measured in one run on this machine: the production app
 * (`npm run build` first), nginx from Debian serving the same files (and acting as the origin),
 * wrk for throughput. Prints one table of ratios; nothing here asserts timings.
 */
import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { request } from "undici";
import { signedFetch } from "@/lib/auth/signed-fetch";
import { startApp } from "./support/app-process";
import { startNginx } from "./support/nginx";
import { wrk } from "./support/wrk";

const MiB = 1024 * 1024;
const work = mkdtempSync(path.join(os.tmpdir(), "bos-mirror-objects-bench-"));
const files = path.join(work, "files");
mkdirSync(files);
writeFileSync(path.join(files, "small.bin"), randomBytes(4096));
writeFileSync(path.join(files, "medium.bin"), randomBytes(MiB));
writeFileSync(path.join(files, "big64.bin"), randomBytes(64 * MiB));
writeFileSync(path.join(files, "huge1g.bin"), "");
truncateSync(path.join(files, "huge1g.bin"), 1024 * MiB);

// An origin that counts requests and answers slowly enough for 100 clients to overlap.
let herdRequests = 0;
const herdBody = randomBytes(MiB);
const herdOrigin = createServer((_req, res) => {
  herdRequests += 1;
  res.writeHead(200, { "content-length": herdBody.length });
  let sent = 0;
  const next = () => {
    res.write(herdBody.subarray(sent, sent + 128 * 1024));
    sent += 128 * 1024;
    if (sent < herdBody.length) setTimeout(next, 20);
    else res.end();
  };
  next();
}).listen(3382, "127.0.0.1");

const nginx = await startNginx(files, 3381, work);
const credentials = { accessKeyId: "benchroot01", secretKey: "bench-secret-key-0123456789" };
const app = await startApp(3380, { ORIGIN_ALLOWLIST: "127.0.0.1", ROOT_ACCESS_KEY: credentials.accessKeyId, ROOT_SECRET_KEY: credentials.secretKey });
const api = (urlPath: string) => `${app.baseUrl}${urlPath}`;

/** A signed request (setup and writes); the measured GETs are anonymous reads of a public-read bucket. */
async function call(method: string, urlPath: string, body?: Uint8Array | string, headers: Record<string, string> = {}) {
  const response = await signedFetch(credentials, api(urlPath), { method, body: body as BodyInit | undefined, headers });
  await response.arrayBuffer();
  return response.status;
}

async function download(url: string): Promise<{ ttfb: number; ttlb: number; bytes: number }> {
  const start = performance.now();
  const response = await request(url);
  let ttfb = 0;
  let bytes = 0;
  for await (const chunk of response.body) {
    if (bytes === 0) ttfb = performance.now() - start;
    bytes += (chunk as Buffer).length;
  }
  if (response.statusCode !== 200) throw new Error(`${url} answered ${response.statusCode}`);
  return { ttfb, ttlb: performance.now() - start, bytes };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

function rssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(status.match(/VmRSS:\s+(\d+) kB/)![1]) * 1024;
}

async function untilStored(urlPath: string) {
  for (let i = 0; i < 400 && (await call("HEAD", urlPath)) !== 200; i++) await new Promise((r) => setTimeout(r, 25));
}

try {
  await call("PUT", "/v1/bench");
  await call("PUT", "/v1/bench?acl", undefined, { "x-bce-acl": "public-read" });
  await call("PUT", "/v1/bench/small.bin", readFileSync(path.join(files, "small.bin")));
  await call("PUT", "/v1/bench/medium.bin", readFileSync(path.join(files, "medium.bin")));
  const rules = {
    bucketMirroringConfiguration: [
      { resource: "mirror*", sourceUrl: nginx.url.replace("http://", ""), version: "v2", prefixReplace: "quiet" },
      { resource: "herd*", sourceUrl: "127.0.0.1:3382" },
    ],
  };
  if ((await call("PUT", "/v1/bench?mirroring", JSON.stringify(rules))) !== 200) throw new Error("could not set the benchmark's rules");

  // Hits: three alternating rounds per server, medians (single runs vary by ±30% on this machine).
  wrk(`${nginx.url}/quiet/small.bin`, 1);
  wrk(api("/v1/bench/small.bin"), 1);
  const rounds = (reference: string, ours: string) => {
    const results = { reference: [] as ReturnType<typeof wrk>[], ours: [] as ReturnType<typeof wrk>[] };
    for (let round = 0; round < 3; round++) {
      results.reference.push(wrk(reference, 3));
      results.ours.push(wrk(ours, 3));
    }
    const pick = (list: ReturnType<typeof wrk>[]) => ({
      requestsPerSecond: median(list.map((r) => r.requestsPerSecond)),
      bytesPerSecond: median(list.map((r) => r.bytesPerSecond)),
    });
    return { reference: pick(results.reference), ours: pick(results.ours) };
  };
  const small = rounds(`${nginx.url}/quiet/small.bin`, api("/v1/bench/small.bin"));
  const medium = rounds(`${nginx.url}/quiet/medium.bin`, api("/v1/bench/medium.bin"));
  const [nginxSmall, oursSmall, nginxMedium, oursMedium] = [small.reference, small.ours, medium.reference, medium.ours];

  // Mirror miss of 64 MiB, alternating with direct downloads from the origin.
  const direct: { ttfb: number; ttlb: number }[] = [];
  const mirrored: { ttfb: number; ttlb: number }[] = [];
  for (let run = 0; run < 5; run++) {
    direct.push(await download(`${nginx.url}/quiet/big64.bin`));
    await call("DELETE", "/v1/bench/mirror/big64.bin");
    mirrored.push(await download(api("/v1/bench/mirror/big64.bin")));
    await untilStored("/v1/bench/mirror/big64.bin");
  }

  // 100 concurrent GETs of one missing key.
  const herd = await Promise.all(Array.from({ length: 100 }, () => download(api("/v1/bench/herd/one.bin"))));
  const herdOk = herd.every((result) => result.bytes === herdBody.length);

  // RSS growth while mirroring 1 GiB.
  const pid = app.child.pid!;
  const baseline = rssBytes(pid);
  let peak = baseline;
  const sampler = setInterval(() => (peak = Math.max(peak, rssBytes(pid))), 20);
  const huge = await download(api("/v1/bench/mirror/huge1g.bin"));
  clearInterval(sampler);
  peak = Math.max(peak, rssBytes(pid));

  const ratio = (a: number, b: number) => (a / b).toFixed(2);
  const ms = (value: number) => `${value.toFixed(1)} ms`;
  const d = { ttfb: median(direct.map((r) => r.ttfb)), ttlb: median(direct.map((r) => r.ttlb)) };
  const m = { ttfb: median(mirrored.map((r) => r.ttfb)), ttlb: median(mirrored.map((r) => r.ttlb)) };
  const rows = [
    ["hit GET 4 KiB, req/s, ours / nginx", `${oursSmall.requestsPerSecond.toFixed(0)} / ${nginxSmall.requestsPerSecond.toFixed(0)}`, ratio(oursSmall.requestsPerSecond, nginxSmall.requestsPerSecond), "≥ 0.25"],
    ["hit GET 1 MiB, throughput, ours / nginx", `${(oursMedium.bytesPerSecond / 1e9).toFixed(2)} / ${(nginxMedium.bytesPerSecond / 1e9).toFixed(2)} GB/s`, ratio(oursMedium.bytesPerSecond, nginxMedium.bytesPerSecond), "≥ 0.5"],
    ["mirror miss 64 MiB, time to last byte, ours / direct", `${ms(m.ttlb)} / ${ms(d.ttlb)}`, ratio(m.ttlb, d.ttlb), "≤ 1.15"],
    ["mirror miss 64 MiB, time to first byte", `${ms(m.ttfb)} vs direct ${ms(d.ttfb)}`, `+${(m.ttfb - d.ttfb).toFixed(1)} ms`, "≤ direct + 10 ms"],
    ["100 concurrent GETs of one missing key: origin requests", `${herdRequests}${herdOk ? "" : " (some bodies were wrong!)"}`, String(herdRequests), "1"],
    ["RSS growth while mirroring a 1 GiB object", `${(huge.bytes / MiB).toFixed(0)} MiB mirrored`, `${((peak - baseline) / MiB).toFixed(1)} MiB`, "≤ 64 MiB"],
  ];
  console.log("| figure | measured | result | target |\n|---|---|---|---|");
  for (const row of rows) console.log(`| ${row.join(" | ")} |`);
} finally {
  await app.stop();
  await nginx.stop();
  herdOrigin.close();
  rmSync(work, { recursive: true, force: true });
}
