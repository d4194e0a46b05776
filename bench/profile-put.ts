/**
 * CPU profile of the app's main thread while it takes small uploads (`node --cpu-prof`), summarised
 * as bench/profile-hit.ts does for hits: self time per request by group and the top functions,
 * counting only samples taken while the measured PUTs ran (after as many to warm up).
 *   npx tsx bench/profile-put.ts [--objects=3000] [--concurrency=16] [--size=4096] [--port=3420]
 * Run `npm run build` first. Logging is off (LOG_LEVEL=silent): what is left is the upload's own work.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { signedFetch } from "@/lib/auth/signed-fetch";
import { startApp } from "./support/app-process";
import { formatSummary, summariseProfile } from "./support/cpu-profile";
import { putObjects } from "./support/uploads";

const option = (name: string, fallback: string) => process.argv.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const objects = Number(option("objects", "3000"));
const concurrency = Number(option("concurrency", "16"));
const size = Number(option("size", "4096"));
const port = Number(option("port", "3420"));
const credentials = { accessKeyId: "benchroot01", secretKey: "bench-secret-key-0123456789" };
/** Microseconds on the monotonic clock, the one V8's profiler stamps its samples with. */
const nowUs = () => Number(process.hrtime.bigint() / 1000n);

const profiles = mkdtempSync(path.join(os.tmpdir(), "bos-mirror-put-profile-"));
const app = await startApp(port, { ROOT_ACCESS_KEY: credentials.accessKeyId, ROOT_SECRET_KEY: credentials.secretKey, LOG_LEVEL: "silent" }, ["--cpu-prof", `--cpu-prof-dir=${profiles}`]);
const body = randomBytes(size);
let window: [number, number] = [0, 0];
try {
  const created = await signedFetch(credentials, `${app.baseUrl}/v1/puts`, { method: "PUT" });
  if (created.status !== 200) throw new Error(`could not create the bucket: ${created.status}`);
  for (const phase of ["warm-up", "measured"]) {
    const from = nowUs();
    await putObjects(app, credentials, { bucket: "puts", prefix: phase }, body, objects, concurrency);
    window = [from, nowUs()];
  }
} finally {
  await app.stop();
}
// The main thread's profile is the largest (workers write their own, smaller ones).
const main = readdirSync(profiles)
  .map((name) => path.join(profiles, name))
  .sort((a, b) => statSync(b).size - statSync(a).size)[0];
if (!main) throw new Error("no profile was written");
console.log(`${objects} PUTs of ${size} B, ${concurrency} at a time; load average ${os.loadavg().map((v) => v.toFixed(2)).join(", ")}.`);
console.log(formatSummary(summariseProfile(main, [window]), objects, 30, "request"));
rmSync(profiles, { recursive: true, force: true });
