import { Counter, Histogram, Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { RequestMetrics } from "./request-metrics";

const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

/** The same two metrics as plain prom-client ones: what the exposition must equal. */
function reference() {
  const registry = new Registry();
  const requests = new Counter({
    name: "bosmirror_http_requests_total",
    help: "HTTP requests answered, by protocol, named operation and status",
    labelNames: ["protocol", "operation", "status"],
    registers: [registry],
  });
  const durations = new Histogram({
    name: "bosmirror_http_request_duration_seconds",
    help: "Time from a request's arrival to the end of its response, by protocol and named operation",
    labelNames: ["protocol", "operation"],
    buckets: BUCKETS,
    registers: [registry],
  });
  return {
    registry,
    record(protocol: string, operation: string, status: number, seconds: number) {
      requests.labels(protocol, operation, String(status)).inc();
      durations.labels(protocol, operation).observe(seconds);
    },
  };
}

const REQUESTS: [string, string, number, number][] = [
  ["bos", "GetObject", 200, 0.0004],
  ["bos", "GetObject", 200, 0.001], // on a bound: counted in that bucket (le is inclusive)
  ["bos", "GetObject", 404, 0.0011],
  ["s3", "GetObject", 200, 0.3],
  ["s3", "PutObject", 500, 400], // above the last bound: only +Inf
  ["console", "Unresolved", 200, 0.02],
  ["bos", "GetObject", 200, 0.0099],
];

/** Ours and prom-client's own, side by side, for the same requests. */
function pair() {
  const ours = new Registry();
  return { ours, metrics: new RequestMetrics(ours, BUCKETS), theirs: reference() };
}

describe("request metrics", () => {
  it("expose exactly what prom-client's own counter and histogram expose for the same requests", async () => {
    const { ours, metrics, theirs } = pair();
    for (const request of REQUESTS) {
      metrics.record(...request);
      theirs.record(...request);
    }
    expect(await ours.metrics()).toBe(await theirs.registry.metrics());
    // The JSON form too, but for prom-client's empty exemplar slots (exemplars are not used).
    const withoutExemplars = (json: unknown) => JSON.parse(JSON.stringify(json, (name, value: unknown) => (name === "exemplar" ? undefined : value))) as unknown;
    expect(withoutExemplars(await ours.getMetricsAsJSON())).toEqual(withoutExemplars(await theirs.registry.getMetricsAsJSON()));
  });

  it("keep counting across scrapes", async () => {
    const { ours, metrics, theirs } = pair();
    for (const request of REQUESTS) {
      metrics.record(...request);
      theirs.record(...request);
      // A scrape between requests must neither lose nor double-count anything.
      expect(await ours.metrics()).toBe(await theirs.registry.metrics());
    }
    expect(await ours.metrics()).toMatch(/bosmirror_http_requests_total\{protocol="bos",operation="GetObject",status="200"\} 3/);
    expect(await ours.metrics()).toMatch(/bosmirror_http_request_duration_seconds_bucket\{le="\+Inf",protocol="bos",operation="GetObject"\} 4/);
  });

  it("start again from zero when the registry is reset, listing series in the order observed since", async () => {
    const { ours, metrics, theirs } = pair();
    for (const request of REQUESTS) {
      metrics.record(...request);
      theirs.record(...request);
    }
    await ours.metrics();
    ours.resetMetrics();
    theirs.registry.resetMetrics();
    // Observed again in reverse order: prom-client lists each series from its first observation after the reset.
    for (const request of [...REQUESTS].reverse().slice(0, 4)) {
      metrics.record(...request);
      theirs.record(...request);
    }
    expect(await ours.metrics()).toBe(await theirs.registry.metrics());
  });
});
