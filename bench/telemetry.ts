/**
 * The hit path's cost of logging and metrics alone (`npm run build` first): the 4 KiB hit GET with
 * an access line per request and metrics, against the same app with both off, in one run.
 *   npx tsx bench/telemetry.ts [--port=3386] (and the next one) [--rounds=10] [--seconds=3]
 * bench/objects.ts prints the same row with the other object-path figures.
 */
import { randomBytes } from "node:crypto";
import os from "node:os";
import { formatSeries, measureTelemetryOverhead } from "./support/telemetry-overhead";

const option = (name: string, fallback: number) => Number(process.argv.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback);
const port = option("port", 3386);
const rounds = option("rounds", 10);
const seconds = option("seconds", 3);

const load = () => os.loadavg().map((value) => value.toFixed(2)).join(", ");
const loadAtStart = load();
const startedAt = new Date().toISOString();
const result = await measureTelemetryOverhead([port, port + 1], randomBytes(4096), rounds, seconds);
console.log(`${startedAt}: ${rounds} rounds of ${seconds} s per side, each pair's order swapped every round.`);
console.log(`Load average (1, 5, 15 min): ${loadAtStart} at the start, ${load()} at the end; ${os.cpus().length} CPUs.\n`);
const { series } = result;
console.log("| figure | median (range) over the rounds | median ratio | each pair's ratio, median (range) | target | |\n|---|---|---|---|---|---|");
console.log(
  `| hit GET 4 KiB, req/s, logging+metrics on / off | ${formatSeries(series.on)} / ${formatSeries(series.off)} (${result.logBytesPerRequest.toFixed(0)} log bytes per request) | ${result.ratio.toFixed(3)} | ${formatSeries(series.pairRatio, 3)} | ≥ 0.95 | ${result.ratio >= 0.95 ? "met" : "**missed**"} |`,
);
console.log(
  `| hit GET 4 KiB, app CPU per request, off / on | ${formatSeries(series.cpuOff)} / ${formatSeries(series.cpuOn)} µs | ${result.cpuRatio.toFixed(3)} | ${formatSeries(series.pairCpuRatio, 3)} | ≥ 0.95 | ${result.cpuRatio >= 0.95 ? "met" : "**missed**"} |`,
);
console.log(`\nCPU µs per request, round by round (off / on): ${series.cpuOff.values.map((off, i) => `${off.toFixed(0)}/${series.cpuOn.values[i]!.toFixed(0)}`).join(", ")}`);
