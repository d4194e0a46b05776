/**
 * What logging and metrics cost the hit path: the same production app twice, one with an access
 * line per request (LOG_LEVEL=info, stdout to a file) and metrics, one with neither
 * (LOG_LEVEL=silent, METRICS_ENABLED=false), serving the same 4 KiB object to wrk in rounds taken
 * in pairs, the order within a pair swapped every round (on then off, off then on) so that neither
 * side always runs first after a pause. Medians and ranges of `rounds` runs of each. Besides
 * requests per second, the app's CPU time per request (all its threads, from /proc): on a busy
 * machine req/s swings with everyone else's load, while CPU per request stays the cost of one
 * request, so its ratio is the steadier figure. The ratio of each pair (two rounds next to each
 * other in time, under about the same load) is reported too. The rounds are split over two pairs of
 * apps, each side taking the first slot (its port, started first, its wrk started first in the
 * first round together) in one of them: two apps with the same settings in one pair came out 8–11%
 * apart per request with both at once, always the first slot's the dearer.
 * Each round also runs both at once, a wrk on each over the same seconds (`together`): whatever
 * the rest of the machine does then falls on both alike, which back-to-back rounds cannot promise
 * on a machine whose load swings within seconds. The two apps share the CPUs there, so req/s is
 * lower, and the req/s ratio is the CPU ratio seen from outside.
 */
import { statSync } from "node:fs";
import { signedFetch } from "@/lib/auth/signed-fetch";
import { startApp, type AppProcess, type StartOptions } from "./app-process";
import { cpuSince, cpuSnapshot, type CpuSnapshot } from "./proc-cpu";
import { wrk, wrkAsync } from "./wrk";

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
  /** off / on user-space CPU per request. */
  userRatio: number;
  /** off / on CPU per request of the main thread alone (where the request path runs; the rest is V8's helper threads and libuv's pool). */
  mainRatio: number;
  /** Per round: req/s and CPU µs per request of each side, and each pair's ratios. */
  series: Rounds;
  /** The same figures with both apps under wrk at the same time. */
  together: { ratio: number; cpuRatio: number; userRatio: number; mainRatio: number; series: Rounds };
  logBytesPerRequest: number;
}

export interface Rounds {
  on: Series;
  off: Series;
  cpuOn: Series;
  cpuOff: Series;
  /** User-space CPU µs per request: logging and metrics run there, while the kernel's share (socket writes, waking up) is what swings most with the machine's load. */
  userOn: Series;
  userOff: Series;
  /** The main thread's CPU µs per request. */
  mainOn: Series;
  mainOff: Series;
  pairRatio: Series;
  pairCpuRatio: Series;
  pairUserRatio: Series;
  pairMainRatio: Series;
}

interface RoundFigures {
  on: number[];
  off: number[];
  cpuOn: number[];
  cpuOff: number[];
  userOn: number[];
  userOff: number[];
  mainOn: number[];
  mainOff: number[];
}

/** The middle value (the mean of the two middle ones for an even count). */
export const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};
export const series = (values: number[]): Series => ({ median: median(values), min: Math.min(...values), max: Math.max(...values), values });
const rounds = (figures: RoundFigures): Rounds => ({
  on: series(figures.on),
  off: series(figures.off),
  cpuOn: series(figures.cpuOn),
  cpuOff: series(figures.cpuOff),
  userOn: series(figures.userOn),
  userOff: series(figures.userOff),
  mainOn: series(figures.mainOn),
  mainOff: series(figures.mainOff),
  pairRatio: series(figures.on.map((value, i) => value / figures.off[i]!)),
  pairCpuRatio: series(figures.cpuOff.map((value, i) => value / figures.cpuOn[i]!)),
  pairUserRatio: series(figures.userOff.map((value, i) => value / figures.userOn[i]!)),
  pairMainRatio: series(figures.mainOff.map((value, i) => value / figures.mainOn[i]!)),
});
const emptyFigures = (): RoundFigures => ({ on: [], off: [], cpuOn: [], cpuOff: [], userOn: [], userOff: [], mainOn: [], mainOff: [] });

/** One side's figures of a round: req/s, and the app's CPU µs per request (all threads, user space, main thread). */
export interface RoundFigure {
  requestsPerSecond: number;
  cpu: number;
  user: number;
  main: number;
}

const perRequest = (requestsPerSecond: number, seconds: number, used: CpuSnapshot): RoundFigure => {
  const requests = requestsPerSecond * seconds;
  return { requestsPerSecond, cpu: (used.all * 1000) / requests, user: (used.user * 1000) / requests, main: (used.main * 1000) / requests };
};

/** One wrk round of `seconds` against `url`, served by `app`. */
export function measuredRound(app: AppProcess, url: string, seconds: number): RoundFigure {
  const before = cpuSnapshot(app.child.pid!);
  const { requestsPerSecond } = wrk(url, seconds);
  return perRequest(requestsPerSecond, seconds, cpuSince(app.child.pid!, before));
}

const record = (figures: RoundFigures, on: RoundFigure, off: RoundFigure) => {
  figures.on.push(on.requestsPerSecond);
  figures.off.push(off.requestsPerSecond);
  figures.cpuOn.push(on.cpu);
  figures.cpuOff.push(off.cpu);
  figures.userOn.push(on.user);
  figures.userOff.push(off.user);
  figures.mainOn.push(on.main);
  figures.mainOff.push(off.main);
};

/** "median (min–max)" of a series, with `digits` decimals. */
export const formatSeries = ({ median, min, max }: Series, digits = 0) => `${median.toFixed(digits)} (${min.toFixed(digits)}–${max.toFixed(digits)})`;

/** Where the served object is: a public-read bucket's 4 KiB object, read anonymously as wrk reads it. */
export const SMALL_OBJECT_PATH = "/v1/telemetry/small.bin";

/** The production app with `env`, serving `body` at SMALL_OBJECT_PATH; `appDir`: another checkout's build (this one by default). */
export async function servingSmallObject(
  port: number,
  env: Record<string, string>,
  body: Buffer,
  { nodeArgs = [], appDir, ...options }: StartOptions & { nodeArgs?: string[]; appDir?: string } = {},
): Promise<AppProcess> {
  const credentials = { accessKeyId: "benchroot01", secretKey: "bench-secret-key-0123456789" };
  const app = await startApp(port, { ROOT_ACCESS_KEY: credentials.accessKeyId, ROOT_SECRET_KEY: credentials.secretKey, ...env }, nodeArgs, appDir, options);
  const call = async (method: string, urlPath: string, payload?: Buffer, headers: Record<string, string> = {}) => {
    const response = await signedFetch(credentials, `${app.baseUrl}${urlPath}`, { method, body: payload as BodyInit | undefined, headers });
    await response.arrayBuffer();
    if (response.status !== 200) throw new Error(`${method} ${urlPath}: ${response.status}`);
  };
  await call("PUT", "/v1/telemetry");
  await call("PUT", "/v1/telemetry?acl", undefined, { "x-bce-acl": "public-read" });
  await call("PUT", SMALL_OBJECT_PATH, body);
  return app;
}

/** The "on" side's settings; another set (e.g. the "off" one, for an A/A run that checks the bench itself) can be given. */
export const TELEMETRY_ON = { LOG_LEVEL: "info", METRICS_ENABLED: "true" };
export const TELEMETRY_OFF = { LOG_LEVEL: "silent", METRICS_ENABLED: "false" };

/** The "on" side's settings from `--on=NAME=VALUE,…` among the arguments, TELEMETRY_ON without it. */
export function telemetryOnFromArguments(argv: string[]): Record<string, string> {
  const argument = argv.find((arg) => arg.startsWith("--on="))?.slice("--on=".length);
  return argument ? Object.fromEntries(argument.split(",").map((pair) => pair.split("=", 2) as [string, string])) : TELEMETRY_ON;
}

export async function measureTelemetryOverhead(
  ports: [number, number],
  body: Buffer,
  roundCount = 10,
  seconds = 3,
  onEnv: Record<string, string> = TELEMETRY_ON,
): Promise<TelemetryOverhead> {
  const results = emptyFigures();
  const together = emptyFigures();
  let logBytes = 0;
  let requestsOn = 0;
  const url = (app: AppProcess) => `${app.baseUrl}${SMALL_OBJECT_PATH}`;
  // Two pairs of apps, the sides' slots (port, start order, which wrk starts first) swapped in the
  // second: an A/A run showed the first slot's app 8–11% dearer per request with both at once,
  // whatever its settings, which one pair would have counted as logging's cost.
  for (let pair = 0; pair < 2; pair++) {
    const pairRounds = pair === 0 ? Math.ceil(roundCount / 2) : Math.floor(roundCount / 2);
    if (pairRounds === 0) continue;
    const [first, second] = pair === 0 ? [onEnv, TELEMETRY_OFF] : [TELEMETRY_OFF, onEnv];
    const firstApp = await servingSmallObject(ports[0], first, body);
    const secondApp = await servingSmallObject(ports[1], second, body).catch(async (error: unknown) => {
      await firstApp.stop();
      throw error;
    });
    const [on, off] = pair === 0 ? [firstApp, secondApp] : [secondApp, firstApp];
    try {
      // Warm-up (JIT, caches), then alternating rounds so both see the same machine load.
      wrk(url(firstApp), 2);
      wrk(url(secondApp), 2);
      const logBefore = statSync(on.logFile).size;
      /** Both apps under wrk over the same seconds, the slot whose wrk starts first taking turns. */
      const roundTogether = async (onFirst: boolean) => {
        const before = [cpuSnapshot(on.child.pid!), cpuSnapshot(off.child.pid!)] as const;
        const [withTelemetry, without] = onFirst
          ? await Promise.all([wrkAsync(url(on), seconds), wrkAsync(url(off), seconds)])
          : await Promise.all([wrkAsync(url(off), seconds), wrkAsync(url(on), seconds)]).then(([offResult, onResult]) => [onResult, offResult] as const);
        const figureOn = perRequest(withTelemetry.requestsPerSecond, seconds, cpuSince(on.child.pid!, before[0]));
        record(together, figureOn, perRequest(without.requestsPerSecond, seconds, cpuSince(off.child.pid!, before[1])));
        requestsOn += figureOn.requestsPerSecond * seconds;
      };
      for (let i = 0; i < pairRounds; i++) {
        let withTelemetry, without;
        if (i % 2 === 0) {
          withTelemetry = measuredRound(on, url(on), seconds);
          without = measuredRound(off, url(off), seconds);
        } else {
          without = measuredRound(off, url(off), seconds);
          withTelemetry = measuredRound(on, url(on), seconds);
        }
        record(results, withTelemetry, without);
        requestsOn += withTelemetry.requestsPerSecond * seconds;
        await roundTogether((i + pair) % 2 === 0);
      }
      logBytes += statSync(on.logFile).size - logBefore;
    } finally {
      await Promise.all([on.stop(), off.stop()]);
    }
  }
  const logBytesPerRequest = logBytes / requestsOn;
  const all = rounds(results);
  const both = rounds(together);
  const [medianOn, medianOff, cpuOn, cpuOff] = [all.on.median, all.off.median, all.cpuOn.median, all.cpuOff.median];
  return {
    rounds: roundCount,
    seconds,
    on: medianOn,
    off: medianOff,
    ratio: medianOn / medianOff,
    cpuOn,
    cpuOff,
    cpuRatio: cpuOff / cpuOn,
    series: all,
    userRatio: all.userOff.median / all.userOn.median,
    mainRatio: all.mainOff.median / all.mainOn.median,
    together: {
      ratio: both.on.median / both.off.median,
      cpuRatio: both.cpuOff.median / both.cpuOn.median,
      userRatio: both.userOff.median / both.userOn.median,
      mainRatio: both.mainOff.median / both.mainOn.median,
      series: both,
    },
    logBytesPerRequest,
  };
}
