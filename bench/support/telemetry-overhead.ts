/**
 * What logging and metrics cost the hit path: the same production app twice, one with an access
 * line per request (LOG_LEVEL=info, stdout to a file) and metrics, one with neither
 * (LOG_LEVEL=silent, METRICS_ENABLED=false), serving the same 4 KiB object to wrk in rounds taken
 * in pairs, the order within a pair swapped every round (on then off, off then on) so that neither
 * side always runs first after a pause. Medians and ranges of `rounds` runs of each. Besides
 * requests per second, the app's CPU time per request (all its threads, from /proc): on a busy
 * machine req/s swings with everyone else's load, while CPU per request stays the cost of one
 * request, so its ratio is the steadier figure. The ratio of each pair (two rounds next to each
 * other in time, under about the same load) is reported too.
 */
import { statSync } from "node:fs";
import { signedFetch } from "@/lib/auth/signed-fetch";
import { startApp, type AppProcess } from "./app-process";
import { cpuSince, cpuSnapshot } from "./proc-cpu";
import { wrk } from "./wrk";

/** Every round's figure, in the order taken. */
export interface Series {
  median: number;
  min: number;
  max: number;
  values: number[];
}

export interface TelemetryOverhead {
  rounds: number;
  seconds: number;
  /** Medians of req/s. */
  on: number;
  off: number;
  /** on / off: 1.00 means logging and metrics cost nothing measurable. */
  ratio: number;
  /** The app's CPU per request, in µs, with and without (medians). */
  cpuOn: number;
  cpuOff: number;
  /** off / on CPU per request: the throughput ratio a CPU-bound hit path would see. */
  cpuRatio: number;
  /** Per round: req/s and CPU µs per request of each side, and each pair's ratios. */
  series: { on: Series; off: Series; cpuOn: Series; cpuOff: Series; pairRatio: Series; pairCpuRatio: Series };
  logBytesPerRequest: number;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};
const series = (values: number[]): Series => ({ median: median(values), min: Math.min(...values), max: Math.max(...values), values });

/** "median (min–max)" of a series, with `digits` decimals. */
export const formatSeries = ({ median, min, max }: Series, digits = 0) => `${median.toFixed(digits)} (${min.toFixed(digits)}–${max.toFixed(digits)})`;

async function servingSmallObject(port: number, env: Record<string, string>, body: Buffer): Promise<AppProcess> {
  const credentials = { accessKeyId: "benchroot01", secretKey: "bench-secret-key-0123456789" };
  const app = await startApp(port, { ROOT_ACCESS_KEY: credentials.accessKeyId, ROOT_SECRET_KEY: credentials.secretKey, ...env });
  const call = async (method: string, urlPath: string, payload?: Buffer, headers: Record<string, string> = {}) => {
    const response = await signedFetch(credentials, `${app.baseUrl}${urlPath}`, { method, body: payload as BodyInit | undefined, headers });
    await response.arrayBuffer();
    if (response.status !== 200) throw new Error(`${method} ${urlPath}: ${response.status}`);
  };
  await call("PUT", "/v1/telemetry");
  await call("PUT", "/v1/telemetry?acl", undefined, { "x-bce-acl": "public-read" });
  await call("PUT", "/v1/telemetry/small.bin", body);
  return app;
}

export async function measureTelemetryOverhead(ports: [number, number], body: Buffer, rounds = 10, seconds = 3): Promise<TelemetryOverhead> {
  const on = await servingSmallObject(ports[0], { LOG_LEVEL: "info", METRICS_ENABLED: "true" }, body);
  const off = await servingSmallObject(ports[1], { LOG_LEVEL: "silent", METRICS_ENABLED: "false" }, body).catch(async (error: unknown) => {
    await on.stop();
    throw error;
  });
  try {
    const url = (app: AppProcess) => `${app.baseUrl}/v1/telemetry/small.bin`;
    // Warm-up (JIT, caches), then alternating rounds so both see the same machine load.
    wrk(url(on), 2);
    wrk(url(off), 2);
    const results = { on: [] as number[], off: [] as number[], cpuOn: [] as number[], cpuOff: [] as number[] };
    const logBefore = statSync(on.logFile).size;
    let requestsOn = 0;
    /** One wrk round: requests per second, and the app's CPU µs per request. */
    const round = (app: AppProcess) => {
      const before = cpuSnapshot(app.child.pid!);
      const { requestsPerSecond } = wrk(url(app), seconds);
      return { requestsPerSecond, cpu: (cpuSince(app.child.pid!, before).all * 1000) / (requestsPerSecond * seconds) };
    };
    for (let i = 0; i < rounds; i++) {
      let withTelemetry, without;
      if (i % 2 === 0) {
        withTelemetry = round(on);
        without = round(off);
      } else {
        without = round(off);
        withTelemetry = round(on);
      }
      results.on.push(withTelemetry.requestsPerSecond);
      results.cpuOn.push(withTelemetry.cpu);
      requestsOn += withTelemetry.requestsPerSecond * seconds;
      results.off.push(without.requestsPerSecond);
      results.cpuOff.push(without.cpu);
    }
    const logBytesPerRequest = (statSync(on.logFile).size - logBefore) / requestsOn;
    const all = {
      on: series(results.on),
      off: series(results.off),
      cpuOn: series(results.cpuOn),
      cpuOff: series(results.cpuOff),
      pairRatio: series(results.on.map((value, i) => value / results.off[i]!)),
      pairCpuRatio: series(results.cpuOff.map((value, i) => value / results.cpuOn[i]!)),
    };
    const [medianOn, medianOff, cpuOn, cpuOff] = [all.on.median, all.off.median, all.cpuOn.median, all.cpuOff.median];
    return { rounds, seconds, on: medianOn, off: medianOff, ratio: medianOn / medianOff, cpuOn, cpuOff, cpuRatio: cpuOff / cpuOn, series: all, logBytesPerRequest };
  } finally {
    await Promise.all([on.stop(), off.stop()]);
  }
}
