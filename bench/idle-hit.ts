/**
 * What an idle spell does to the 4 KiB hit path afterwards (`npm run build` first). The app serves
 * the object to wrk, sits idle long enough for V8's memory reducer to run its full collections, then
 * serves it again; printed: its CPU per request before and after (medians of rounds, after a warm-up
 * each time, so the figure is the state the process stays in, not the re-optimizing), and, when
 * `perf` is installed (Debian's linux-perf), the share of its samples in V8's runtime path for object
 * literals with computed keys, which is where a process without lib/runtime/tick-object-shape.ts
 * spends it after an idle spell (the tick objects of `process.nextTick`).
 *
 *   npx tsx bench/idle-hit.ts [--port=3586] (and the next one) [--idle=45] [--cycles=3] [--rounds=5] [--seconds=3]
 *     [--baseline=DIR] (another checkout, built, measured beside this one in the same run: e.g. a
 *     worktree of the commit before the guard, with node_modules linked) [--keep-profiles] (perf's
 *     recordings, one per app and phase, stay in the folder it prints)
 *
 * Whether a given idle spell (or the start-up itself) frees the maps depends on when V8's heuristics
 * run their collections, so the idle-then-measure cycle is repeated (`--cycles`), each one printed.
 * Logging and metrics are on, as a deployed app runs.
 */
import { execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { AppProcess } from "./support/app-process";
import { formatSeries, measuredRound, series, SMALL_OBJECT_PATH, servingSmallObject, TELEMETRY_ON, type Series } from "./support/telemetry-overhead";
import { wrk, wrkAsync } from "./support/wrk";

const argument = (name: string) => process.argv.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3);
const option = (name: string, fallback: number) => Number(argument(name) ?? fallback);
const port = option("port", 3586);
const idleSeconds = option("idle", 45);
const cycles = option("cycles", 3);
const rounds = option("rounds", 5);
const seconds = option("seconds", 3);
const baselineDir = argument("baseline");
const keepProfiles = process.argv.includes("--keep-profiles");

const perfAvailable = (() => {
  try {
    execFileSync("perf", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();
const perfDir = mkdtempSync(path.join(os.tmpdir(), "bos-mirror-idle-hit-"));

interface Side {
  name: string;
  app: AppProcess;
  url: string;
}

interface Phase {
  mainUs: Series;
  allUs: Series;
  requestsPerSecond: Series;
  /** % of the app's perf samples in the literal runtime path, or null without perf. */
  literalShare: number | null;
}

/** V8's runtime path for a computed key in an object literal, and what it calls (map transitions, feedback). */
const LITERAL_RUNTIME = /Runtime_DefineKeyedOwnPropertyInLiteral|JSObject::MigrateToMap|Map::TransitionToDataProperty|LookupIterator::WriteDataValue|FeedbackNexus::ic_state|PrepareTransitionToDataProperty|UpdateDescriptorForValue/;

/** One round of wrk with perf sampling the app: the share of samples in the literal runtime path. */
async function literalShare(side: Side, label: string): Promise<number> {
  const file = path.join(perfDir, `${side.name}-${label}.data`);
  const perf = spawn("perf", ["record", "-q", "-F", "499", "-p", String(side.app.child.pid), "-o", file, "--", "sleep", String(seconds)], { stdio: "ignore" });
  const exited = new Promise((resolve) => perf.once("exit", resolve));
  await wrkAsync(side.url, seconds);
  await exited;
  const report = execFileSync("perf", ["report", "-i", file, "--stdio", "--sort", "sym", "--no-children"], { encoding: "utf8", maxBuffer: 1 << 26, stdio: ["ignore", "pipe", "ignore"] });
  return report
    .split("\n")
    .filter((line) => LITERAL_RUNTIME.test(line))
    .reduce((sum, line) => sum + Number(/([\d.]+)%/.exec(line)?.[1] ?? 0), 0);
}

/** Warm-up, then `rounds` rounds of each side in turn (the order swapped every round), then perf's round. */
async function measure(sides: Side[], label: string): Promise<Phase[]> {
  for (const side of sides) wrk(side.url, seconds);
  const figures = sides.map(() => ({ main: [] as number[], all: [] as number[], rps: [] as number[] }));
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? sides.map((_, i) => i) : sides.map((_, i) => sides.length - 1 - i);
    for (const i of order) {
      const { app, url } = sides[i]!;
      const { requestsPerSecond, cpu, main } = measuredRound(app, url, seconds);
      figures[i]!.main.push(main);
      figures[i]!.all.push(cpu);
      figures[i]!.rps.push(requestsPerSecond);
    }
  }
  const shares: (number | null)[] = [];
  for (const side of sides) shares.push(perfAvailable ? await literalShare(side, label) : null);
  return figures.map((figure, i) => ({ mainUs: series(figure.main), allUs: series(figure.all), requestsPerSecond: series(figure.rps), literalShare: shares[i]! }));
}

const body = randomBytes(4096);
const sides: Side[] = [];
const loadAtStart = os.loadavg().map((value) => value.toFixed(2)).join(", ");
const startedAt = new Date().toISOString();
try {
  for (const [name, appDir] of [["this", undefined], ...(baselineDir ? [["baseline", baselineDir] as const] : [])] as const) {
    const app = await servingSmallObject(port + sides.length, TELEMETRY_ON, body, { appDir });
    sides.push({ name, app, url: `${app.baseUrl}${SMALL_OBJECT_PATH}` });
  }
  const phases = [{ label: "after start-up", figures: await measure(sides, "start") }];
  for (let cycle = 1; cycle <= cycles; cycle++) {
    console.error(`${new Date().toISOString()}: idle for ${idleSeconds} s (${cycle} of ${cycles})`);
    await new Promise((resolve) => setTimeout(resolve, idleSeconds * 1000));
    phases.push({ label: `after idle spell ${cycle}`, figures: await measure(sides, `idle${cycle}`) });
  }

  console.log(`${startedAt}: the 4 KiB hit, ${rounds} rounds of ${seconds} s after start-up and after each of ${cycles} idle spells of ${idleSeconds} s (each after a ${seconds} s warm-up); logging and metrics on.`);
  console.log(`Load average (1, 5, 15 min): ${loadAtStart} at the start, ${os.loadavg().map((value) => value.toFixed(2)).join(", ")} at the end; ${os.cpus().length} CPUs.\n`);
  console.log("| app | when | main thread's CPU µs per request | against after start-up | all threads' µs | req/s | literal runtime path, % of samples |\n|---|---|---|---|---|---|---|");
  sides.forEach((side, i) => {
    const first = phases[0]!.figures[i]!;
    for (const { label, figures } of phases) {
      const phase = figures[i]!;
      console.log(
        `| ${side.name}${side.name === "baseline" ? ` (${baselineDir})` : ""} | ${label} | ${formatSeries(phase.mainUs, 1)} | ${(phase.mainUs.median / first.mainUs.median).toFixed(3)} | ${phase.allUs.median.toFixed(1)} | ${phase.requestsPerSecond.median.toFixed(0)} | ${phase.literalShare === null ? "n/a (no perf)" : `${phase.literalShare.toFixed(1)}%`} |`,
      );
    }
  });
} finally {
  await Promise.all(sides.map((side) => side.app.stop()));
  if (keepProfiles) console.log(`perf's recordings kept in ${perfDir} (perf report -i <file> --sort sym)`);
  else rmSync(perfDir, { recursive: true, force: true });
}
