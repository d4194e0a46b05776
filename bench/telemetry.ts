/**
 * The hit path's cost of logging and metrics alone (`npm run build` first): the 4 KiB hit GET with
 * an access line per request and metrics, against the same app with both off, in one run.
 * bench/objects.ts prints the same row with the other object-path figures.
 */
import { randomBytes } from "node:crypto";
import os from "node:os";
import { measureTelemetryOverhead } from "./support/telemetry-overhead";

const load = () => os.loadavg().map((value) => value.toFixed(2)).join(", ");
const loadAtStart = load();
const result = await measureTelemetryOverhead([3386, 3387], randomBytes(4096));
console.log(`Load average (1, 5, 15 min): ${loadAtStart} at the start, ${load()} at the end; ${os.cpus().length} CPUs.\n`);
console.log("| figure | measured | result | target | |\n|---|---|---|---|---|");
console.log(
  `| hit GET 4 KiB, req/s, logging+metrics on / off | ${result.on.toFixed(0)} / ${result.off.toFixed(0)} (${result.logBytesPerRequest.toFixed(0)} log bytes per request) | ${result.ratio.toFixed(3)} | ≥ 0.95 | ${result.ratio >= 0.95 ? "met" : "**missed**"} |`,
);
console.log(
  `| hit GET 4 KiB, app CPU per request, off / on | ${result.cpuOff.toFixed(0)} / ${result.cpuOn.toFixed(0)} µs | ${result.cpuRatio.toFixed(3)} | ≥ 0.95 | ${result.cpuRatio >= 0.95 ? "met" : "**missed**"} |`,
);
