/**
 * What logging and metrics cost the hit path: the same production app twice, one with an access
 * line per request (LOG_LEVEL=info, stdout to a file) and metrics, one with neither
 * (LOG_LEVEL=silent, METRICS_ENABLED=false), serving the same 4 KiB object to wrk in alternating
 * rounds. Medians of `rounds` runs of each.
 */
import { statSync } from "node:fs";
import { signedFetch } from "@/lib/auth/signed-fetch";
import { startApp, type AppProcess } from "./app-process";
import { wrk } from "./wrk";

export interface TelemetryOverhead {
  on: number;
  off: number;
  /** on / off: 1.00 means logging and metrics cost nothing measurable. */
  ratio: number;
  logBytesPerRequest: number;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

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

export async function measureTelemetryOverhead(ports: [number, number], body: Buffer, rounds = 5, seconds = 3): Promise<TelemetryOverhead> {
  const on = await servingSmallObject(ports[0], { LOG_LEVEL: "info", METRICS_ENABLED: "true" }, body);
  const off = await servingSmallObject(ports[1], { LOG_LEVEL: "silent", METRICS_ENABLED: "false" }, body).catch(async (error: unknown) => {
    await on.stop();
    throw error;
  });
  try {
    const url = (app: AppProcess) => `${app.baseUrl}/v1/telemetry/small.bin`;
    // Warm-up (JIT, caches), then alternating rounds so both see the same machine load.
    wrk(url(on), 1);
    wrk(url(off), 1);
    const results = { on: [] as number[], off: [] as number[] };
    const logBefore = statSync(on.logFile).size;
    let requestsOn = 0;
    for (let round = 0; round < rounds; round++) {
      const measured = wrk(url(on), seconds).requestsPerSecond;
      results.on.push(measured);
      requestsOn += measured * seconds;
      results.off.push(wrk(url(off), seconds).requestsPerSecond);
    }
    const logBytesPerRequest = (statSync(on.logFile).size - logBefore) / requestsOn;
    const [medianOn, medianOff] = [median(results.on), median(results.off)];
    return { on: medianOn, off: medianOff, ratio: medianOn / medianOff, logBytesPerRequest };
  } finally {
    await Promise.all([on.stop(), off.stop()]);
  }
}
