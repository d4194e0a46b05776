/**
 * The hit path's cost of logging and metrics, counted in instructions rather than time (`npm run build`
 * first; needs valgrind, which `bash scripts/install-bench-deps.sh` installs): the same production app
 * twice, with logging and metrics on and off, each under callgrind, serving the same 4 KiB object to
 * the same number of GETs. Time-based figures (bench/telemetry.ts) move by ±25% from round to round
 * on this VM even when nothing else runs; a count of instructions depends neither on the machine's
 * load nor on the other app running beside it, so both sides run at once and their rounds agree to
 * a fraction of a percent.
 *
 *   npx tsx bench/telemetry-instructions.ts [--port=3486] (and the next one) [--requests=3000]
 *     [--rounds=3] [--warmup=20000] [--concurrency=8] [--cache-sim] [--keep-dumps]
 *     [--on=LOG_LEVEL=info,METRICS_ENABLED=false] (the "on" side's settings, as in bench/telemetry.ts:
 *     one of the two alone, or the "off" side's own for an A/A run)
 *
 * What is counted: the instructions the app runs in user space inside the event loop's callbacks that
 * serve requests: a socket's data (Node's HTTP parser, the app's handler, and the promise jobs and
 * next-tick callbacks they queue), a socket write's completion (where a response's 'finish' and 'close'
 * run, and with them the access line), setImmediate callbacks and file-write completions (the log's
 * batches), with everything they call, the garbage collections their allocations set off included.
 * Not counted, because they go by the clock rather than by the requests, and this app slowed down
 * ~50 times by callgrind would weigh them ~50 times their share: the app's timers (pollers,
 * heartbeats: the same on both sides) and V8's own tasks on the main thread (incremental marking
 * steps, the memory reducer, installing compiled code). For the same reason both apps run with
 * LOG_FLUSH_MS=60000: at the default quarter second, an app this slow would have its log's batches
 * handed over by the timer every ~10 lines, out of the count, where at production rates (thousands
 * of requests a second) a batch goes out per 32 KiB (~120 lines) from a request's callback, counted,
 * and the timer finds a few lines at most (lib/observability/logger.ts). Nor the kernel's work
 * (socket and file writes: one write of the log per 32 KiB of lines) or V8's helper threads
 * (concurrent compiling, marking and sweeping). callgrind collects only inside the named functions
 * (`--toggle-collect`); with instrumentation off until the warm-up has passed (V8 has compiled the
 * hot path by then), it runs at a fraction of its instrumented cost. Each round starts after a pause of its own, so that deferred
 * work left by the last round is done before counting.
 *
 * With `--cache-sim`, callgrind also simulates the caches, and a cycle estimate (instructions, plus 10
 * per first-level miss and 100 per last-level miss, as KCachegrind estimates them) takes memory
 * traffic into account, which instructions alone do not.
 *
 * With `--keep-dumps`, each round's dump (callgrind.out.N, one per round) stays in the folders it
 * prints, for bench/callgrind-functions.ts to say where one side's instructions went against the
 * other's, function by function (JavaScript by name too when the bench ran with
 * NODE_OPTIONS=--perf-basic-prof).
 */
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { AppProcess } from "./support/app-process";
import { cycleEstimate } from "./support/cycle-estimate";
import { median, SMALL_OBJECT_PATH, servingSmallObject, TELEMETRY_OFF, telemetryOnFromArguments } from "./support/telemetry-overhead";

const option = (name: string, fallback: number) => Number(process.argv.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback);
const port = option("port", 3486);
const requests = option("requests", 3000);
const rounds = option("rounds", 3);
const warmup = option("warmup", 20000);
const concurrency = option("concurrency", 8);
const cacheSim = process.argv.includes("--cache-sim");
const keepDumps = process.argv.includes("--keep-dumps");
const onEnv = telemetryOnFromArguments(process.argv);

try {
  execFileSync("valgrind", ["--version"], { stdio: "ignore" });
} catch {
  console.error("valgrind is not installed: `bash scripts/install-bench-deps.sh` installs it (Debian's valgrind package).");
  process.exit(1);
}

/** `count` GETs of the object, `concurrency` at a time over kept-alive connections; throws on any answer but 200 with the whole body. */
async function getObject(app: AppProcess, count: number, size: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      next++;
      const response = await fetch(`${app.baseUrl}${SMALL_OBJECT_PATH}`);
      const body = await response.arrayBuffer();
      if (response.status !== 200 || body.byteLength !== size) throw new Error(`GET ${SMALL_OBJECT_PATH}: ${response.status}, ${body.byteLength} bytes`);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

interface Counts {
  instructions: number;
  /** Instructions plus 10 per L1 miss and 100 per last-level miss (only with --cache-sim). */
  cycleEstimate: number;
}

/** The counts in one callgrind dump file: its `summary:` line, read against its `events:` line. */
function readDump(file: string): Counts {
  const text = readFileSync(file, "utf8");
  const events = /^events:\s*(.+)$/m.exec(text)?.[1]?.trim().split(/\s+/);
  const summary = /^(?:summary|totals):\s*(.+)$/m.exec(text)?.[1]?.trim().split(/\s+/).map(Number);
  if (!events || !summary) throw new Error(`${file}: no events or summary line`);
  const value = (name: string) => summary[events.indexOf(name)] ?? 0;
  return { instructions: value("Ir"), cycleEstimate: cycleEstimate(value) };
}

const control = (pid: number, ...args: string[]) => execFileSync("callgrind_control", [...args, String(pid)], { stdio: "ignore" });

interface Side {
  name: string;
  app: AppProcess;
  /** The valgrind process (the app's child handle's pid). */
  pid: number;
  outDir: string;
  /** Dumps asked for so far. */
  dumps: number;
  /** Each round's counts per request. */
  perRequest: Counts[];
  roundSeconds: number[];
}

/** Dumps the side's counters (which zeroes them) and reads the dump: callgrind numbers them callgrind.out.1, .2, … */
function dumped(side: Side): Counts {
  control(side.pid, "--dump");
  side.dumps += 1;
  return readDump(path.join(side.outDir, `callgrind.out.${side.dumps}`));
}

const PAUSE_MS = 3000;
/** Both sides' log wait (see the top): under callgrind the log's timer would do what requests do at full speed. */
const LOG_FLUSH = { LOG_FLUSH_MS: "60000" };
const body = randomBytes(4096);
/** Where Node calls into JavaScript for a request's work (see the top); the timers' callback (node::Environment::RunTimers) is left out. */
const REQUEST_CALLBACKS = [
  "node::LibuvStreamWrap::OnUvRead(long, uv_buf_t const*)",
  "node::LibuvStreamWrap::AfterUvWrite(uv_write_s*, int)",
  "node::Environment::CheckImmediate(uv_check_s*)",
  "node::fs::AfterInteger(uv_fs_s*)",
  "node::fs::AfterNoArgs(uv_fs_s*)",
];
const launcher = (outDir: string) => [
  "valgrind",
  "--tool=callgrind",
  "--instr-atstart=no",
  ...REQUEST_CALLBACKS.map((name) => `--toggle-collect=${name}`),
  `--cache-sim=${cacheSim ? "yes" : "no"}`,
  `--callgrind-out-file=${path.join(outDir, "callgrind.out")}`,
  "--quiet",
];

const startedAt = new Date();
const sides: Side[] = [];
const outDirs: string[] = [];
let logBytes = 0;
try {
  for (const [name, env, offset] of [
    ["on", onEnv, 0],
    ["off", TELEMETRY_OFF, 1],
  ] as const) {
    const outDir = mkdtempSync(path.join(os.tmpdir(), `bos-mirror-callgrind-${name}-`));
    outDirs.push(outDir);
    const app = await servingSmallObject(port + offset, { ...env, ...LOG_FLUSH }, body, { launcher: launcher(outDir), startTimeoutMs: 15 * 60_000 });
    sides.push({ name, app, pid: app.child.pid!, outDir, dumps: 0, perRequest: [], roundSeconds: [] });
  }
  // Both sides at once: instruction counts do not depend on what else runs.
  console.error(`${new Date().toISOString()}: both apps answer; warming up`);
  await Promise.all(sides.map((side) => getObject(side.app, warmup, body.length)));
  for (const side of sides) control(side.pid, "--instr=on");
  for (let round = 0; round < rounds; round++) {
    console.error(`${new Date().toISOString()}: round ${round + 1} of ${rounds}`);
    // A pause first, for the work V8 defers (its own tasks, left out of the count) to be done with the last round's.
    await new Promise((resolve) => setTimeout(resolve, PAUSE_MS));
    for (const side of sides) control(side.pid, "--zero");
    const from = performance.now();
    const seconds = await Promise.all(sides.map((side) => getObject(side.app, requests, body.length).then(() => (performance.now() - from) / 1000)));
    sides.forEach((side, i) => {
      const counts = dumped(side);
      side.perRequest.push({ instructions: counts.instructions / requests, cycleEstimate: counts.cycleEstimate / requests });
      side.roundSeconds.push(seconds[i]!);
    });
  }
  logBytes = statSync(sides[0]!.app.logFile).size;
} finally {
  await Promise.all(sides.map((side) => side.app.stop()));
  if (!keepDumps) for (const outDir of outDirs) rmSync(outDir, { recursive: true, force: true });
}

const [on, off] = sides as [Side, Side];
console.log(`${startedAt.toISOString()}: ${rounds} rounds of ${requests} GETs of a 4 KiB object (${concurrency} at a time) after ${warmup} uncounted, each app under callgrind${cacheSim ? " with its cache simulation" : ""}, both at once.`);
console.log(`"on": ${JSON.stringify(onEnv)}; "off": ${JSON.stringify(TELEMETRY_OFF)}; both ${JSON.stringify(LOG_FLUSH)}.\n`);
console.log("| figure per request | off | on | off / on, quietest rounds | median ratio (each round's) | target |\n|---|---|---|---|---|---|");
/**
 * A full collection now and then, and the deoptimizations it brings (optimized code that held on to
 * maps it freed runs in the baseline tier until V8 optimizes it again), add tens of millions of
 * instructions to the round they fall in, which a round of a few thousand requests does not average
 * out. The quietest round of each side, the one with neither, is the cost of the hit path itself,
 * and an A/A run's quietest rounds agree to a fraction of a percent; the medians and every round are
 * printed too.
 */
const row = (label: string, pick: (counts: Counts) => number) => {
  const [offValues, onValues] = [off.perRequest.map(pick), on.perRequest.map(pick)];
  const quietest = Math.min(...offValues) / Math.min(...onValues);
  const each = offValues.map((value, i) => (value / onValues[i]!).toFixed(3)).join(", ");
  console.log(
    `| ${label} | ${Math.min(...offValues).toFixed(0)} | ${Math.min(...onValues).toFixed(0)} | **${quietest.toFixed(4)}** | ${(median(offValues) / median(onValues)).toFixed(3)} (${each}) | ≥ 0.95 ${quietest >= 0.95 ? "met" : "**missed**"} |`,
  );
};
row("instructions (user space, in the request callbacks)", (counts) => counts.instructions);
if (cacheSim) row("cycle estimate (Ir + 10 × L1 misses + 100 × LL misses)", (counts) => counts.cycleEstimate);
for (const side of sides) {
  const each = side.perRequest.map((counts, i) => `${counts.instructions.toFixed(0)} (${side.roundSeconds[i]!.toFixed(0)} s)`);
  console.log(`\n"${side.name}": instructions per request, round by round (and the round's seconds under callgrind): ${each.join(", ")}`);
}
if (keepDumps) for (const side of sides) console.log(`"${side.name}": dumps kept in ${side.outDir}`);
console.log(`"on" wrote ${logBytes} bytes of log in all (${(logBytes / (warmup + rounds * requests)).toFixed(0)} per request, start-up lines included).`);
