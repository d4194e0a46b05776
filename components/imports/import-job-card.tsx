"use client";

/**
 * One import job: state, a live progress bar, counts, rate and ETA, the actions its state allows
 * (cancel and retrying failures ask first), the plain-language verdict once it is finished, and
 * its failures.
 */
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { useNotify } from "@/components/ui/notices";
import { formatBytes } from "@/lib/format-bytes";
import { useImportAction, type ImportAction } from "@/lib/imports/import-queries";

/** What a notice says an action did to the job. */
const ACTION_DONE: Record<ImportAction, string> = { pause: "paused", resume: "resumed", cancel: "cancelled", "retry-failed": "failed keys queued again" };
import { doneCount, type ImportJobView } from "@/lib/imports/import-schema";
import { STATE_LABEL, formatDuration, verdict } from "./import-format";
import { ImportFailures } from "./import-failures";
import { countOf } from "@/lib/format-count";

function sourceLabel(job: ImportJobView): string {
  const { source } = job;
  if (source.type === "keys") return "a key list";
  if (source.type === "bos") return `bucket ${source.bucket}${source.prefix ? ` (prefix ${source.prefix})` : ""}`;
  return `${source.endpoint}/${source.bucket}${source.prefix ? ` (prefix ${source.prefix})` : ""}`;
}

const TONE = { good: "border-emerald-200 bg-emerald-50 text-emerald-900", bad: "border-red-200 bg-red-50 text-red-900", neutral: "border-slate-200 bg-slate-50 text-slate-800" };

export function ImportJobCard({ bucket, job }: { bucket: string; job: ImportJobView }) {
  const act = useImportAction(bucket);
  const notify = useNotify();
  const [confirming, setConfirming] = useState<ImportAction | null>(null);
  const done = doneCount(job);
  const percent = job.total > 0 ? Math.floor((done / job.total) * 100) : 0;
  const finished = verdict(job);
  const titleId = `import-${job.id}-title`;

  const run = (action: ImportAction) =>
    act.mutate(
      { id: job.id, action },
      {
        onSuccess: () => {
          setConfirming(null);
          notify("success", `Import #${job.id}: ${ACTION_DONE[action]}.`);
        },
        onError: (error) => confirming === null && notify("error", error.message),
      },
    );

  const counts: [string, number][] = [
    ["Pulled", job.pulled],
    ["Skipped (already stored)", job.skipped],
    ["Missing at origin", job.missing],
    ["No rule", job.noRule],
    ["Failed", job.failed],
  ];
  return (
    <article aria-labelledby={titleId} className="space-y-3 rounded-lg border border-slate-200 bg-white p-4">
      <header className="flex flex-wrap items-baseline justify-between gap-2">
        <h3 id={titleId} className="text-base font-medium">
          Import #{job.id} <span className="font-normal text-slate-600">from {sourceLabel(job)}</span>
        </h3>
        <span className="rounded bg-slate-100 px-2 py-0.5 text-sm" aria-label={`State: ${STATE_LABEL[job.state]}`}>
          {STATE_LABEL[job.state]}
        </span>
      </header>
      <div>
        <div
          role="progressbar"
          aria-label={`Import #${job.id} progress`}
          aria-valuemin={0}
          aria-valuemax={job.total}
          aria-valuenow={done}
          aria-valuetext={`${done} of ${job.total} keys done${job.listing ? " so far" : ""}`}
          className="h-3 w-full overflow-hidden rounded bg-slate-200"
        >
          <div className={`h-full ${job.failed > 0 ? "bg-amber-500" : "bg-brand-600"}`} style={{ width: `${percent}%` }} />
        </div>
        <p className="mt-1 text-sm text-slate-700">
          {done.toLocaleString("en-US")} of {countOf(job.total, "key")} done ({percent}%){job.listing && ", still listing the origin"} · {formatBytes(job.bytes)} · {job.rate.keysPerSecond} keys/s,{" "}
          {formatBytes(job.rate.bytesPerSecond)}/s{job.etaSeconds !== null && ` · about ${formatDuration(job.etaSeconds)} left`}
        </p>
      </div>
      <dl className="grid grid-cols-2 gap-x-4 gap-y-1 text-sm md:grid-cols-5">
        {counts.map(([label, value]) => (
          <div key={label}>
            <dt className="text-slate-600">{label}</dt>
            <dd className="font-medium">{value}</dd>
          </div>
        ))}
      </dl>
      {job.error && (
        <p role="alert" className="rounded border border-amber-200 bg-amber-50 p-2 text-sm text-amber-900">
          Paused by itself: {job.error}. Fix the cause, then resume.
        </p>
      )}
      {finished && <p className={`rounded border p-2 text-sm ${TONE[finished.tone]}`}>{finished.text}</p>}
      <div className="flex flex-wrap gap-2">
        {(job.state === "running" || job.state === "queued") && (
          <Button variant="secondary" disabled={act.isPending} onClick={() => run("pause")}>
            Pause
          </Button>
        )}
        {job.state === "paused" && (
          <Button variant="secondary" disabled={act.isPending} onClick={() => run("resume")}>
            Resume
          </Button>
        )}
        {(job.state === "running" || job.state === "queued" || job.state === "paused") && (
          <Button variant="danger" disabled={act.isPending} onClick={() => setConfirming("cancel")}>
            Cancel
          </Button>
        )}
        {job.state === "completed_with_failures" && (
          <Button disabled={act.isPending} onClick={() => setConfirming("retry-failed")}>
            Retry failed
          </Button>
        )}
      </div>
      {job.failed > 0 && (
        <details>
          <summary className="cursor-pointer text-sm text-brand-700">Failures ({job.failed})</summary>
          <div className="mt-2">
            <ImportFailures bucket={bucket} jobId={job.id} failed={job.failed} />
          </div>
        </details>
      )}
      <ConfirmDialog
        open={confirming !== null}
        title={confirming === "cancel" ? `Cancel import #${job.id}?` : `Retry the ${countOf(job.failed, "failed key")} of import #${job.id}?`}
        confirmLabel={confirming === "cancel" ? "Cancel the import" : "Retry failed keys"}
        mutation={act}
        onConfirm={() => confirming && run(confirming)}
        onCancel={() => setConfirming(null)}
      >
        {confirming === "cancel"
          ? "Keys not yet imported stay at the origin and the job cannot be resumed. Pulls under way finish."
          : "The failed keys are fetched from the origin again; the job queues behind any running import of this bucket."}
      </ConfirmDialog>
    </article>
  );
}
