/** How the console writes an import job's figures: bytes, rates, durations, and the verdict. */
import type { ImportJobView } from "@/lib/imports/import-schema";
import { countOf } from "@/lib/format-count";

export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${Math.max(1, Math.round(seconds))} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
  return `${Math.floor(seconds / 3600)} h ${Math.round((seconds % 3600) / 60)} min`;
}

export const STATE_LABEL: Record<ImportJobView["state"], string> = {
  queued: "Queued",
  running: "Running",
  paused: "Paused",
  completed: "Completed",
  completed_with_failures: "Completed with failures",
  cancelled: "Cancelled",
};

/** What a finished job means for the cutover, in plain words; null while it is not finished. */
export function verdict(job: ImportJobView): { tone: "good" | "bad" | "neutral"; text: string } | null {
  const notAtOrigin = job.missing + job.noRule;
  const note = notAtOrigin > 0 ? ` ${countOf(job.missing, "key")} ${job.missing === 1 ? "was" : "were"} not at the origin and ${countOf(job.noRule, "key")} matched no rule: they are in neither place.` : "";
  if (job.state === "completed") {
    return { tone: "good", text: `Done: the bucket no longer depends on its origin for these ${countOf(job.total, "key")}.${note}` };
  }
  if (job.state === "completed_with_failures") {
    return {
      tone: "bad",
      text: `Not ready for cutover: ${countOf(job.failed, "key")} could not be imported, so the bucket still depends on its origin for them. See the failures below, fix the cause and retry them.${note}`,
    };
  }
  if (job.state === "cancelled") return { tone: "neutral", text: "Cancelled: keys not yet imported still depend on the origin." };
  return null;
}
