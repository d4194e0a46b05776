/**
 * `bosmirror_import_jobs{state}`: how many import jobs are in each state, read from the database at
 * every scrape (jobs live there, and any instance may change them). Every state is reported, 0 included.
 */
import { IMPORT_STATES, type ImportState } from "@/lib/imports/import-schema";
import type { AppMetrics } from "./metrics";

export function registerImportGauges(metrics: AppMetrics, countByState: () => Promise<Partial<Record<ImportState, number>>>): void {
  metrics.addGauge("bosmirror_import_jobs", "Import jobs in each state", ["state"], async () => {
    const counts = await countByState();
    return IMPORT_STATES.map((state) => [{ state }, counts[state] ?? 0]);
  });
}
