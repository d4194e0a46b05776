import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import { isMetricsRequest } from "./metrics-endpoint";

const request = (url: string, authorization?: string) => ({ url, headers: authorization === undefined ? {} : { authorization } }) as IncomingMessage;

describe("isMetricsRequest", () => {
  it("takes the exact path, with or without a query and a bearer token", () => {
    expect(isMetricsRequest(request("/metrics"))).toBe(true);
    expect(isMetricsRequest(request("/metrics?x=1"))).toBe(true);
    expect(isMetricsRequest(request("/metrics", "Bearer abc"))).toBe(true);
    expect(isMetricsRequest(request("/metrics", "bearer abc"))).toBe(true);
  });

  it("leaves other paths and signed object-API requests (a bucket named metrics) alone", () => {
    expect(isMetricsRequest(request("/metrics/"))).toBe(false);
    expect(isMetricsRequest(request("/metricsx"))).toBe(false);
    expect(isMetricsRequest(request("/metricsx?y=1"))).toBe(false);
    expect(isMetricsRequest(request("/v1/metrics"))).toBe(false);
    expect(isMetricsRequest(request("/metrics", "bce-auth-v1/key/2026-11-27T00:00:00Z/1800//abc"))).toBe(false);
    expect(isMetricsRequest(request("/metrics", "AWS4-HMAC-SHA256 Credential=key/20261127/us-east-1/s3/aws4_request"))).toBe(false);
  });
});
