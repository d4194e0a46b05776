/**
 * `bosmirror_fetch_waiting_on_other_instance`: keys whose misses on this instance wait for another
 * instance's fetch (lib/origin/cluster-flight.ts), read at every scrape. Each instance reports its
 * own; a key counts once however many clients wait for it here.
 */
import type { AppMetrics } from "./metrics";

export function registerFleetGauges(metrics: AppMetrics, waitingKeys: () => number): void {
  metrics.addGauge("bosmirror_fetch_waiting_on_other_instance", "Keys whose misses here wait for another instance's fetch", [], () => [[{}, waitingKeys()]]);
}
