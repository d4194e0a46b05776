/**
 * S3 against BOS on the same server, and the AWS CLI with a 1 GiB file (issue 10), in one run:
 *
 * - hits through each protocol with wrk (1 thread, 32 connections): 4 KiB req/s and 1 MiB
 *   throughput, each request carrying a presigned signature (SigV4 query auth for S3, bce-auth-v1
 *   for BOS) that the server verifies every time; medians of alternating runs;
 * - Debian's `aws s3 cp` of a 1 GiB file up (multipart, the CLI's 8 MiB parts) and down, with the
 *   server's RSS sampled every 50 ms (growth over its RSS before the transfer);
 * - CompleteMultipartUpload of 128 parts of 8 MiB alone (no copy of the bytes: one transaction).
 *
 * The production app (`npm run build` first). Prints a table with each figure's target and
 * whether it was met; nothing here fails on a timing. The load average is printed with it.
 * `--hits-only` measures the wrk rows alone; `--runs=N` sets the number of alternating rounds (5).
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { promisify } from "node:util";
import { CompleteMultipartUploadCommand, CreateMultipartUploadCommand, S3Client, UploadPartCommand } from "@aws-sdk/client-s3";
import { signedFetch } from "@/lib/auth/signed-fetch";
import { signRequest as bceSign } from "@/lib/auth/bce-signature";
import { presignUrl } from "@/lib/s3/auth/sign";
import { startApp } from "./support/app-process";
import { wrk } from "./support/wrk";

const run = promisify(execFile);
const MiB = 1024 * 1024;
const RUNS = Number(process.argv.find((arg) => arg.startsWith("--runs="))?.slice(7) ?? 5);
const hitsOnly = process.argv.includes("--hits-only");
const credentials = { accessKeyId: "benchroot01", secretKey: "bench-secret-key-0123456789" };
const work = mkdtempSync(path.join(os.tmpdir(), "bos-mirror-s3-bench-"));
const loadAtStart = os.loadavg();

const app = await startApp(3390, { ROOT_ACCESS_KEY: credentials.accessKeyId, ROOT_SECRET_KEY: credentials.secretKey });
const host = new URL(app.baseUrl).host;
const pid = app.child.pid!;

async function call(method: string, urlPath: string, body?: Uint8Array | string): Promise<number> {
  const response = await signedFetch(credentials, `${app.baseUrl}${urlPath}`, { method, body: body as BodyInit | undefined });
  await response.arrayBuffer();
  return response.status;
}

/** A week-long presigned GET through each protocol: every request is verified in full. */
function s3Url(key: string): string {
  return app.baseUrl + presignUrl({ method: "GET", rawPath: `/bench/${key}`, headers: { host } }, credentials, { region: "us-east-1", expiresSeconds: 3600 });
}
function bosUrl(key: string): string {
  const rawPath = `/v1/bench/${key}`;
  const authorization = bceSign(credentials, { method: "GET", rawPath, query: [], headers: { host } }, { expirationSeconds: 3600, signedHeaders: ["host"] });
  return `${app.baseUrl}${rawPath}?authorization=${encodeURIComponent(authorization)}`;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
/** The spread of the per-round ratios (each round measures both protocols back to back). */
function ratioSpread(ours: number[], theirs: number[]): string {
  const ratios = ours.map((value, i) => value / theirs[i]!);
  return `rounds ${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}`;
}

function rssBytes(): number {
  const match = readFileSync(`/proc/${pid}/status`, "utf8").match(/VmRSS:\s+(\d+) kB/);
  return Number(match![1]) * 1024;
}

/** Runs `work` while sampling the server's RSS; returns its duration and the peak growth over the RSS before. */
async function withRss<T>(task: () => Promise<T>): Promise<{ seconds: number; growth: number; result: T }> {
  const before = rssBytes();
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, rssBytes())), 50);
  const started = performance.now();
  try {
    const result = await task();
    return { seconds: (performance.now() - started) / 1000, growth: peak - before, result };
  } finally {
    clearInterval(sampler);
  }
}

const awsHome = mkdtempSync(path.join(work, "aws-"));
writeFileSync(path.join(awsHome, "config"), "[default]\n");
const awsEnv: NodeJS.ProcessEnv = {
  NODE_ENV: process.env.NODE_ENV,
  ...(process.env.PATH ? { PATH: process.env.PATH } : {}),
  HOME: awsHome,
  AWS_ACCESS_KEY_ID: credentials.accessKeyId,
  AWS_SECRET_ACCESS_KEY: credentials.secretKey,
  AWS_DEFAULT_REGION: "us-east-1",
  AWS_CONFIG_FILE: path.join(awsHome, "config"),
  AWS_SHARED_CREDENTIALS_FILE: path.join(awsHome, "credentials"),
  AWS_EC2_METADATA_DISABLED: "true",
};
const aws = (...args: string[]) => run("/usr/bin/aws", ["--endpoint-url", app.baseUrl, ...args], { env: awsEnv, maxBuffer: 16 * MiB, encoding: "utf8" });

interface Row {
  figure: string;
  measured: string;
  target: string;
  met: boolean | null;
}
const rows: Row[] = [];
/** Ends the measuring early (--hits-only). */
class HitsOnly extends Error {}

try {
  if ((await call("PUT", "/v1/bench")) !== 200) throw new Error("could not create the bench bucket");
  await call("PUT", "/v1/bench/small.bin", randomBytes(4096));
  await call("PUT", "/v1/bench/medium.bin", randomBytes(MiB));

  // Warm both paths (caches, JIT), then alternate.
  for (const key of ["small.bin", "medium.bin"]) {
    wrk(s3Url(key), 1);
    wrk(bosUrl(key), 1);
  }
  const samples = { s3Small: [] as number[], bosSmall: [] as number[], s3Medium: [] as number[], bosMedium: [] as number[] };
  // Each round measures both protocols back to back, and every other round starts with BOS, so
  // neither always runs first (or always right after the other size).
  for (let i = 0; i < RUNS; i += 1) {
    const s3First = i % 2 === 0;
    for (const protocol of s3First ? ["s3", "bos"] : ["bos", "s3"]) {
      const url = protocol === "s3" ? s3Url : bosUrl;
      (protocol === "s3" ? samples.s3Small : samples.bosSmall).push(wrk(url("small.bin"), 3).requestsPerSecond);
    }
    for (const protocol of s3First ? ["s3", "bos"] : ["bos", "s3"]) {
      const url = protocol === "s3" ? s3Url : bosUrl;
      (protocol === "s3" ? samples.s3Medium : samples.bosMedium).push(wrk(url("medium.bin"), 3).bytesPerSecond);
    }
  }
  const small = { s3: median(samples.s3Small), bos: median(samples.bosSmall) };
  const medium = { s3: median(samples.s3Medium), bos: median(samples.bosMedium) };
  rows.push({
    figure: "hit GET 4 KiB, req/s, S3 / BOS (presigned, verified)",
    measured: `${small.s3.toFixed(0)} / ${small.bos.toFixed(0)} = ${(small.s3 / small.bos).toFixed(2)} (${ratioSpread(samples.s3Small, samples.bosSmall)})`,
    target: "≥ 0.90",
    met: small.s3 / small.bos >= 0.9,
  });
  rows.push({
    figure: "hit GET 1 MiB, MB/s, S3 / BOS (presigned, verified)",
    measured: `${(medium.s3 / 1e6).toFixed(0)} / ${(medium.bos / 1e6).toFixed(0)} = ${(medium.s3 / medium.bos).toFixed(2)} (${ratioSpread(samples.s3Medium, samples.bosMedium)})`,
    target: "≥ 0.90",
    met: medium.s3 / medium.bos >= 0.9,
  });

  if (hitsOnly) throw new HitsOnly();
  // 1 GiB through the AWS CLI: up in parts, then down.
  const file = path.join(work, "huge.bin");
  writeFileSync(file, randomBytes(MiB));
  truncateSync(file, 1024 * MiB); // 1 MiB of random bytes, then zeros: the server stores what it gets
  const up = await withRss(() => aws("s3", "cp", file, "s3://bench/huge.bin"));
  const down = await withRss(() => aws("s3", "cp", "s3://bench/huge.bin", path.join(work, "down.bin")));
  if (statSync(path.join(work, "down.bin")).size !== 1024 * MiB) throw new Error("the download is not 1 GiB");
  rmSync(path.join(work, "down.bin"));
  const uploaded = JSON.parse((await aws("s3api", "head-object", "--bucket", "bench", "--key", "huge.bin")).stdout) as { ETag: string; ContentLength: number };
  rows.push({
    figure: `aws s3 cp 1 GiB up (multipart, ETag ${uploaded.ETag.replace(/^"[0-9a-f]+/, '"…')})`,
    measured: `${up.seconds.toFixed(1)} s = ${(1024 / up.seconds).toFixed(0)} MiB/s, RSS +${(up.growth / MiB).toFixed(1)} MiB`,
    target: "RSS ≤ +64 MiB",
    met: up.growth <= 64 * MiB,
  });
  rows.push({
    figure: "aws s3 cp 1 GiB down",
    measured: `${down.seconds.toFixed(1)} s = ${(1024 / down.seconds).toFixed(0)} MiB/s, RSS +${(down.growth / MiB).toFixed(1)} MiB`,
    target: "RSS ≤ +64 MiB",
    met: down.growth <= 64 * MiB,
  });

  // CompleteMultipartUpload of 128 parts of 8 MiB alone (parts sent with the SDK, 8 at a time).
  const sdk = new S3Client({ endpoint: app.baseUrl, region: "us-east-1", forcePathStyle: true, credentials: { accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.secretKey } });
  const { UploadId } = await sdk.send(new CreateMultipartUploadCommand({ Bucket: "bench", Key: "parts.bin" }));
  const partBody = randomBytes(8 * MiB);
  const parts: { PartNumber: number; ETag: string }[] = [];
  for (let number = 1; number <= 128; number += 8) {
    const batch = Array.from({ length: 8 }, (_, i) => number + i);
    const answers = await Promise.all(batch.map((PartNumber) => sdk.send(new UploadPartCommand({ Bucket: "bench", Key: "parts.bin", UploadId, PartNumber, Body: partBody }))));
    answers.forEach((answer, i) => parts.push({ PartNumber: batch[i]!, ETag: answer.ETag! }));
  }
  const started = performance.now();
  await sdk.send(new CompleteMultipartUploadCommand({ Bucket: "bench", Key: "parts.bin", UploadId, MultipartUpload: { Parts: parts } }));
  const completeMs = performance.now() - started;
  sdk.destroy();
  rows.push({ figure: "CompleteMultipartUpload of 128 × 8 MiB (1 GiB)", measured: `${completeMs.toFixed(0)} ms`, target: "no copy of the bytes", met: null });
} catch (error) {
  if (!(error instanceof HitsOnly)) throw error;
} finally {
  await app.stop();
  rmSync(work, { recursive: true, force: true });
}

const loadAtEnd = os.loadavg();
console.log(`\nS3 API (bench/s3.ts), ${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} cores, load ${loadAtStart[0]!.toFixed(1)} → ${loadAtEnd[0]!.toFixed(1)}\n`);
console.log("| figure | measured | target | result |\n|---|---|---|---|");
for (const row of rows) console.log(`| ${row.figure} | ${row.measured} | ${row.target} | ${row.met === null ? "(information)" : row.met ? "met" : "**missed**"} |`);
