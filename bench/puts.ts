/**
 * Uploads of small objects, as a bulk copy makes them (`aws s3 sync`, rclone): the production app
 * (`npm run build` first) takes `--objects` PUTs of 4 KiB through the BOS API (bce-auth-v1 signed),
 * `--concurrency` at a time, new keys, then the same keys again (each an overwrite: the old blob
 * journaled and removed). Prints objects per second and the app's CPU per upload, medians of
 * `--rounds` rounds; with `--baseline=DIR` (another checkout, built, with its node_modules) the two
 * apps run in turns, each round's ratio printed. Nothing here fails on a timing.
 *
 *   npx tsx bench/puts.ts [--objects=1000 --concurrency=16 --rounds=5 --port=3410 --baseline=DIR]
 */
import { randomBytes } from "node:crypto";
import os from "node:os";
import { performance } from "node:perf_hooks";
import { signedFetch } from "@/lib/auth/signed-fetch";
import { startApp, type AppProcess } from "./support/app-process";
import { cpuSince, cpuSnapshot } from "./support/proc-cpu";
import { putObjects } from "./support/uploads";

const option = (name: string) => process.argv.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3);
const objects = Number(option("objects") ?? 1000);
const concurrency = Number(option("concurrency") ?? 16);
const rounds = Number(option("rounds") ?? 5);
const port = Number(option("port") ?? 3410);
const baselineDir = option("baseline");
const credentials = { accessKeyId: "benchroot01", secretKey: "bench-secret-key-0123456789" };
const body = randomBytes(4096);
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

interface Run {
  perSecond: number;
  cpuUs: number;
}

/** `objects` PUTs of keys `round/i`, `concurrency` at a time; objects per second and app CPU per PUT. */
async function putAll(app: AppProcess, round: string): Promise<Run> {
  const before = cpuSnapshot(app.child.pid!);
  const started = performance.now();
  await putObjects(app, credentials, { bucket: "puts", prefix: round }, body, objects, concurrency);
  const seconds = (performance.now() - started) / 1000;
  return { perSecond: objects / seconds, cpuUs: (cpuSince(app.child.pid!, before).all * 1000) / objects };
}

const loadAtStart = os.loadavg();
const apps: [string, AppProcess][] = [["this checkout", await startApp(port, { ROOT_ACCESS_KEY: credentials.accessKeyId, ROOT_SECRET_KEY: credentials.secretKey })]];
try {
  if (baselineDir) apps.push(["baseline", await startApp(port + 1, { ROOT_ACCESS_KEY: credentials.accessKeyId, ROOT_SECRET_KEY: credentials.secretKey }, [], baselineDir)]);
  for (const [, app] of apps) {
    const response = await signedFetch(credentials, `${app.baseUrl}/v1/puts`, { method: "PUT" });
    if (response.status !== 200) throw new Error(`could not create the bucket: ${response.status}`);
    await putAll(app, "warm-up");
  }
  const results = new Map<string, { fresh: Run[]; overwrite: Run[] }>(apps.map(([name]) => [name, { fresh: [], overwrite: [] }]));
  for (let round = 0; round < rounds; round++) {
    // Each app first every other round.
    for (const [name, app] of round % 2 === 0 ? apps : [...apps].reverse()) {
      results.get(name)!.fresh.push(await putAll(app, `r${round}`));
      results.get(name)!.overwrite.push(await putAll(app, `r${round}`));
    }
  }
  const load = (values: number[]) => values.map((value) => value.toFixed(2)).join(", ");
  console.log(`${objects} PUTs of 4 KiB per round, ${concurrency} at a time, ${rounds} rounds; load average ${load(loadAtStart)} at the start, ${load(os.loadavg())} at the end; ${os.cpus().length} CPUs.\n`);
  console.log("| app | new keys: objects/s, median (range) | CPU µs per PUT | overwrites: objects/s | CPU µs per PUT |\n|---|---|---|---|---|");
  for (const [name, { fresh, overwrite }] of results) {
    const rate = (runs: Run[]) => `${median(runs.map((r) => r.perSecond)).toFixed(0)} (${Math.min(...runs.map((r) => r.perSecond)).toFixed(0)}–${Math.max(...runs.map((r) => r.perSecond)).toFixed(0)})`;
    const cpu = (runs: Run[]) => median(runs.map((r) => r.cpuUs)).toFixed(0);
    console.log(`| ${name} | ${rate(fresh)} | ${cpu(fresh)} | ${rate(overwrite)} | ${cpu(overwrite)} |`);
  }
  if (baselineDir) {
    const ours = results.get("this checkout")!;
    const base = results.get("baseline")!;
    const ratios = (a: Run[], b: Run[]) => a.map((run, i) => run.perSecond / b[i]!.perSecond);
    const describe = (values: number[]) => `median ${median(values).toFixed(2)} (${Math.min(...values).toFixed(2)}–${Math.max(...values).toFixed(2)})`;
    console.log(`\nEach round's ratio, this checkout / baseline: new keys ${describe(ratios(ours.fresh, base.fresh))}, overwrites ${describe(ratios(ours.overwrite, base.overwrite))}.`);
  }
} finally {
  for (const [, app] of apps) await app.stop();
}
