/**
 * CPU profile of the app's main thread while wrk (1 thread, 32 connections) hits one stored object,
 * through BOS or S3 (presigned, so every request's signature is verified), or anonymously:
 *   npx tsx bench/profile-hit.ts [--protocol=bos|s3|anonymous] [--size=4096] [--seconds=10]
 *     [--quiet] (LOG_LEVEL=silent, METRICS_ENABLED=false) [--no-profile] [--keep]
 * Prints req/s, the app's CPU per request, and the top functions by self time (bench/support/cpu-profile.ts).
 * Run `npm run build` first.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { signedFetch } from "@/lib/auth/signed-fetch";
import { signRequest as bceSign } from "@/lib/auth/bce-signature";
import { presignUrl } from "@/lib/s3/auth/sign";
import { startApp } from "./support/app-process";
import { formatSummary, summariseProfile } from "./support/cpu-profile";
import { cpuSince, cpuSnapshot } from "./support/proc-cpu";
import { wrk } from "./support/wrk";

const option = (name: string, fallback: string) => process.argv.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const protocol = option("protocol", "bos");
const size = Number(option("size", "4096"));
const seconds = Number(option("seconds", "10"));
const profiling = !process.argv.includes("--no-profile");
const quiet = process.argv.includes("--quiet");
const profiles = mkdtempSync(path.join(os.tmpdir(), "bos-mirror-hit-profile-"));
const credentials = { accessKeyId: "benchroot01", secretKey: "bench-secret-key-0123456789" };

const app = await startApp(
  3384,
  { ROOT_ACCESS_KEY: credentials.accessKeyId, ROOT_SECRET_KEY: credentials.secretKey, ...(quiet ? { LOG_LEVEL: "silent", METRICS_ENABLED: "false" } : { LOG_LEVEL: "info" }) },
  profiling ? ["--cpu-prof", `--cpu-prof-dir=${profiles}`] : [],
);
const host = new URL(app.baseUrl).host;
const call = async (method: string, urlPath: string, body?: Buffer, headers: Record<string, string> = {}) => {
  const response = await signedFetch(credentials, `${app.baseUrl}${urlPath}`, { method, body: body as BodyInit | undefined, headers });
  await response.arrayBuffer();
  if (response.status !== 200) throw new Error(`${method} ${urlPath}: ${response.status}`);
};
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
  const { requestsPerSecond, bytesPerSecond } = wrk(url, seconds);
  const cpuUs = (cpuSince(app.child.pid!, before).all * 1000) / (requestsPerSecond * seconds);
  console.log(`${protocol} ${size} B: ${requestsPerSecond.toFixed(0)} req/s, ${(bytesPerSecond / 1e6).toFixed(0)} MB/s, app CPU ${cpuUs.toFixed(0)} µs per request; load ${os.loadavg()[0]!.toFixed(1)}`);
} finally {
  await app.stop();
}
if (profiling) {
  const file = readdirSync(profiles).filter((name) => name.endsWith(".cpuprofile")).map((name) => path.join(profiles, name))[0]!;
  console.log(formatSummary(summariseProfile(file), 1, 30).replace(/per miss/g, "in total"));
  console.log(`profile: ${file}`);
}
if (process.argv.includes("--keep") === false && !profiling) rmSync(profiles, { recursive: true, force: true });
