/**
 * Import-job figures (issue 9), printed: the production app (`npm run build` first) importing
 * 10,000 small objects from a local nginx origin at concurrency 16 (objects per second), and the
 * app's resident memory while it takes and works through a 1,000,000-key text/plain list (the list
 * is generated while it is sent, so neither side holds it). Nothing here fails on a timing; the
 * load average at the start and the end is printed with the figures.
 *
 *   npm run build && npm run bench:imports [-- --objects=10000 --list=1000000 --list-run-seconds=30 --port=3396 --nginx-port=3397]
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { Readable } from "node:stream";
import { signedFetch } from "@/lib/auth/signed-fetch";
import type { ImportJobView } from "@/lib/imports/import-schema";
import { startApp } from "./support/app-process";
import { startNginx } from "./support/nginx";

const arg = (name: string, fallback: number) => Number(process.argv.find((value) => value.startsWith(`--${name}=`))?.split("=")[1] ?? fallback);
const OBJECTS = arg("objects", 10_000);
const LIST_KEYS = arg("list", 1_000_000);
const LIST_RUN_SECONDS = arg("list-run-seconds", 30);

const work = mkdtempSync(path.join(os.tmpdir(), "bos-mirror-imports-bench-"));
const files = path.join(work, "files", "small");
mkdirSync(files, { recursive: true });
for (let i = 0; i < OBJECTS; i++) writeFileSync(path.join(files, `${String(i).padStart(6, "0")}.bin`), `object ${i} `.padEnd(1024, "x"));

const loadAtStart = os.loadavg();
const nginx = await startNginx(path.join(work, "files"), arg("nginx-port", 3397), path.join(work, "nginx"));
const credentials = { accessKeyId: "benchroot01", secretKey: "bench-secret-key-0123456789" };
const admin = { email: "bench@example.com", password: "bench-password-0123" };
const app = await startApp(arg("port", 3396), {
  ORIGIN_ALLOWLIST: "127.0.0.1",
  ROOT_ACCESS_KEY: credentials.accessKeyId,
  ROOT_SECRET_KEY: credentials.secretKey,
  ADMIN_EMAIL: admin.email,
  ADMIN_PASSWORD: admin.password,
}).catch(async (error: unknown) => {
  await nginx.stop();
  rmSync(work, { recursive: true, force: true });
  throw error;
});

/** Resident memory of the app process, from /proc. */
const rssMiB = () => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${app.child.pid}/status`, "utf8"))![1]) / 1024;

try {
  const login = await fetch(`${app.baseUrl}/api/auth/login`, { method: "POST", headers: { "content-type": "application/json", origin: app.baseUrl }, body: JSON.stringify(admin) });
  if (login.status !== 200) throw new Error(`sign-in: ${login.status}`);
  const cookie = login.headers.getSetCookie().map((value) => value.split(";")[0]).join("; ");
  const console_ = (urlPath: string, init: RequestInit = {}) => fetch(`${app.baseUrl}${urlPath}`, { ...init, headers: { cookie, origin: app.baseUrl, ...init.headers } });

  async function bucketWithRule(name: string, rule: Record<string, unknown> | null) {
    await (await signedFetch(credentials, `${app.baseUrl}/v1/${name}`, { method: "PUT" })).arrayBuffer();
    if (rule) {
      const response = await signedFetch(credentials, `${app.baseUrl}/v1/${name}?mirroring`, { method: "PUT", body: JSON.stringify({ bucketMirroringConfiguration: [rule] }) });
      if (response.status !== 200) throw new Error(`rules: ${await response.text()}`);
    }
  }
  async function startList(bucket: string, body: ReadableStream<Uint8Array> | string, query: string): Promise<ImportJobView> {
    const response = await console_(`/api/buckets/${bucket}/imports?${query}`, { method: "POST", headers: { "content-type": "text/plain" }, body, duplex: "half" } as RequestInit);
    if (response.status !== 201) throw new Error(`import: ${response.status} ${await response.text()}`);
    return (await response.json()) as ImportJobView;
  }
  const readJob = async (bucket: string, id: number) => (await (await console_(`/api/buckets/${bucket}/imports/${id}`)).json()) as ImportJobView;

  // 1. 10,000 small objects from nginx at concurrency 16.
  await bucketWithRule("bench-import", { resource: "*", sourceUrl: nginx.url });
  const keys = Array.from({ length: OBJECTS }, (_, i) => `small/${String(i).padStart(6, "0")}.bin`).join("\n");
  const started = performance.now();
  const job = await startList("bench-import", keys, "concurrency=16");
  let done = job;
  let lastReport = performance.now();
  while (done.state !== "completed" && done.state !== "completed_with_failures") {
    await new Promise((resolve) => setTimeout(resolve, 250));
    done = await readJob("bench-import", job.id);
    if (performance.now() - lastReport > 10_000) {
      lastReport = performance.now();
      console.log(`  ${done.pulled + done.failed + done.missing} of ${OBJECTS} done, ${done.rate.keysPerSecond} objects/s`);
    }
  }
  const seconds = (performance.now() - started) / 1000;
  const runSeconds = (Date.parse(done.endedAt!) - Date.parse(done.startedAt!)) / 1000;

  // 2. RSS while a 1,000,000-key list arrives and is worked through (keys no rule matches: the
  // list, the runner and the database are measured, not an origin).
  await bucketWithRule("bench-list", null);
  const rssBefore = rssMiB();
  let rssPeakUpload = rssBefore;
  // One sample every 10 s, printed as a series: flat or growing is read off it.
  const series: string[] = [];
  const seriesStart = performance.now();
  const seriesTimer = setInterval(() => series.push(`${((performance.now() - seriesStart) / 1000).toFixed(0)}s:${rssMiB().toFixed(0)}`), 10_000);
  const sampler = setInterval(() => (rssPeakUpload = Math.max(rssPeakUpload, rssMiB())), 200);
  let sent = 0;
  const list = Readable.toWeb(
    Readable.from(
      (function* () {
        const batch: string[] = [];
        for (let i = 0; i < LIST_KEYS; i++) {
          batch.push(`list/${String(i).padStart(8, "0")}/some/longer/path/segment.jpg`);
          if (batch.length === 1000) {
            sent += batch.length;
            yield `${batch.splice(0).join("\n")}\n`;
          }
        }
        if (batch.length > 0) yield batch.join("\n");
      })(),
    ),
  ) as ReadableStream<Uint8Array>;
  console.log(`  ${OBJECTS} objects imported; sending the ${LIST_KEYS}-key list`);
  const uploadStart = performance.now();
  const listJob = await startList("bench-list", list, "concurrency=16");
  const uploadSeconds = (performance.now() - uploadStart) / 1000;
  clearInterval(sampler);
  let rssPeakRun = rssMiB();
  const runSamples: number[] = [];
  const runDeadline = performance.now() + LIST_RUN_SECONDS * 1000;
  while (performance.now() < runDeadline) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    const rss = rssMiB();
    runSamples.push(rss);
    rssPeakRun = Math.max(rssPeakRun, rss);
  }
  const listState = await readJob("bench-list", listJob.id);
  clearInterval(seriesTimer);
  await console_(`/api/buckets/bench-list/imports/${listJob.id}/cancel`, { method: "POST" });
  const loadAtEnd = os.loadavg();

  const rows: [string, string][] = [
    [`import of ${OBJECTS} objects of 1 KiB from nginx, concurrency 16`, `${(OBJECTS / runSeconds).toFixed(0)} objects/s while running (${runSeconds.toFixed(1)} s; ${(OBJECTS / seconds).toFixed(0)} objects/s from the POST to completed, ${seconds.toFixed(1)} s)`],
    ["  its counts", `pulled ${done.pulled}, failed ${done.failed}, missing ${done.missing}, state ${done.state}`],
    [`${LIST_KEYS} keys sent as text/plain`, `${sent >= LIST_KEYS - 1000 ? "accepted" : "not all sent"} in ${uploadSeconds.toFixed(1)} s (${(LIST_KEYS / uploadSeconds).toFixed(0)} keys/s); job total ${listJob.total}`],
    ["  app RSS before / peak while receiving", `${rssBefore.toFixed(0)} MiB / ${rssPeakUpload.toFixed(0)} MiB`],
    [`  app RSS while working through it (${LIST_RUN_SECONDS} s)`, `peak ${rssPeakRun.toFixed(0)} MiB, last ${runSamples.at(-1)?.toFixed(0)} MiB; ${listState.noRule} keys done (${listState.rate.keysPerSecond} keys/s)`],
    ["  app RSS every 10 s from the first byte of the list (MiB)", series.join(" ")],
    ["load average at start / end", `${loadAtStart.map((value) => value.toFixed(1)).join(" ")} / ${loadAtEnd.map((value) => value.toFixed(1)).join(" ")} (${os.cpus().length} cores)`],
  ];
  const width = Math.max(...rows.map(([name]) => name.length));
  console.log("\nImport jobs");
  for (const [name, value] of rows) console.log(`${name.padEnd(width)}  ${value}`);
} finally {
  await app.stop();
  await nginx.stop();
  rmSync(work, { recursive: true, force: true });
}
