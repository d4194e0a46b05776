/**
 * The hit path's cost of logging and metrics alone (`npm run build` first): the 4 KiB hit GET with
 * an access line per request and metrics, against the same app with both off, in one run.
 *   npx tsx bench/telemetry.ts [--port=3386] (and the next one) [--rounds=10] [--seconds=3]
 *     [--on=LOG_LEVEL=info,METRICS_ENABLED=false] (the "on" side's settings: one of the two alone, or
 *     the "off" side's own for an A/A run, which shows the bench's own bias and noise)
 * bench/objects.ts prints the same row with the other object-path figures.
 */
import { randomBytes } from "node:crypto";
import os from "node:os";
import { formatSeries, measureTelemetryOverhead, telemetryOnFromArguments } from "./support/telemetry-overhead";

const option = (name: string, fallback: number) => Number(process.argv.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback);
const port = option("port", 3386);
const rounds = option("rounds", 10);
const seconds = option("seconds", 3);
const onEnv = telemetryOnFromArguments(process.argv);

const load = () => os.loadavg().map((value) => value.toFixed(2)).join(", ");
const loadAtStart = load();
const startedAt = new Date().toISOString();
const result = await measureTelemetryOverhead([port, port + 1], randomBytes(4096), rounds, seconds, onEnv);
console.log(`${startedAt}: ${rounds} rounds of ${seconds} s over two pairs of apps (the sides' slots swapped in the second): each round the two apps one after the other (the order swapped every round), then both at once.`);
console.log(`"on": ${JSON.stringify(onEnv)}; "off": LOG_LEVEL=silent, METRICS_ENABLED=false.`);
console.log(`Load average (1, 5, 15 min): ${loadAtStart} at the start, ${load()} at the end; ${os.cpus().length} CPUs.\n`);
const met = (ratio: number) => (ratio >= 0.95 ? "met" : "**missed**");
console.log("| figure | median (range) over the rounds | median ratio | each round's ratio, median (range) | target | |\n|---|---|---|---|---|---|");
for (const [how, { series, ratio, cpuRatio, userRatio, mainRatio }] of [
  ["one after the other", { series: result.series, ratio: result.ratio, cpuRatio: result.cpuRatio, userRatio: result.userRatio, mainRatio: result.mainRatio }],
  ["both at once", result.together],
] as const) {
  console.log(
    `| hit GET 4 KiB, ${how}, req/s, logging+metrics on / off | ${formatSeries(series.on)} / ${formatSeries(series.off)} | ${ratio.toFixed(3)} | ${formatSeries(series.pairRatio, 3)} | ≥ 0.95 | ${met(ratio)} |`,
  );
  console.log(
    `| hit GET 4 KiB, ${how}, app CPU per request, off / on | ${formatSeries(series.cpuOff)} / ${formatSeries(series.cpuOn)} µs | ${cpuRatio.toFixed(3)} | ${formatSeries(series.pairCpuRatio, 3)} | ≥ 0.95 | ${met(cpuRatio)} |`,
  );
  console.log(
    `| hit GET 4 KiB, ${how}, app user-space CPU per request, off / on | ${formatSeries(series.userOff)} / ${formatSeries(series.userOn)} µs | ${userRatio.toFixed(3)} | ${formatSeries(series.pairUserRatio, 3)} | ≥ 0.95 | ${met(userRatio)} |`,
  );
  console.log(
    `| hit GET 4 KiB, ${how}, main thread's CPU per request, off / on | ${formatSeries(series.mainOff)} / ${formatSeries(series.mainOn)} µs | ${mainRatio.toFixed(3)} | ${formatSeries(series.pairMainRatio, 3)} | ≥ 0.95 | ${met(mainRatio)} |`,
  );
}
console.log(`\n${result.logBytesPerRequest.toFixed(0)} log bytes per request.`);
for (const [how, series] of [
  ["one after the other", result.series],
  ["both at once", result.together.series],
] as const) {
  console.log(`CPU µs per request, round by round (off / on), ${how}: ${series.cpuOff.values.map((off, i) => `${off.toFixed(0)}/${series.cpuOn.values[i]!.toFixed(0)}`).join(", ")}`);
}
