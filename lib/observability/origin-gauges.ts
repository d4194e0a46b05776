/**
 * Gauges of the origin protection's state, read from the engine's gate at every scrape (the gate
 * owns it: lib/origin/origin-gate.ts): requests in flight and waiting per origin host, and whether
 * its circuit breaker is open.
 */
import type { OriginHealth } from "@/lib/origin/origin-gate";
import type { AppMetrics } from "./metrics";

export function registerOriginGauges(metrics: AppMetrics, health: () => OriginHealth[]): void {
  metrics.addGauge("bosmirror_origin_inflight", "Requests to the origin host in flight on this instance", ["origin"], () =>
    health().map((origin) => [{ origin: origin.origin }, origin.inflight]),
  );
  metrics.addGauge("bosmirror_origin_queued", "Requests waiting for a turn at the origin host on this instance", ["origin"], () =>
    health().map((origin) => [{ origin: origin.origin }, origin.queued]),
  );
  metrics.addGauge("bosmirror_origin_circuit_open", "1 while the origin host's circuit breaker is open (misses fail fast), else 0 (closed, or half-open letting a probe through)", ["origin"], () =>
    health().map((origin) => [{ origin: origin.origin }, origin.circuit === "open" ? 1 : 0]),
  );
}
