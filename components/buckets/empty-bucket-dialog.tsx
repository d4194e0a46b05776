"use client";

/**
 * "Empty bucket": the user types the bucket's name to confirm, the server deletes every object as
 * a job, and the dialog shows its progress and then what happened (deleted, failed, left over).
 * The job carries on if the dialog is closed; the overview shows it too.
 */
import { useId, useState } from "react";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { inputClass } from "@/components/ui/field";
import type { EmptyJobView } from "@/lib/object-browser/object-browser-schema";
import { useEmptyingJob, useStartEmptying } from "@/lib/object-browser/object-queries";
import { countOf } from "@/lib/format-count";

interface EmptyBucketDialogProps {
  bucket: string;
  objectCount: number;
  open: boolean;
  onClose: () => void;
}

export function EmptyBucketDialog({ bucket, objectCount, open, onClose }: EmptyBucketDialogProps) {
  const start = useStartEmptying(bucket);
  const job = useEmptyingJob(bucket);
  const [typed, setTyped] = useState("");
  const [startedHere, setStartedHere] = useState<string | null>(null);
  const inputId = useId();
  const helpId = useId();
  const current = job.data ?? null;
  // This dialog shows a job's progress once it started one, or when one is already running.
  const shown = current && (current.state === "running" || current.id === startedHere) ? current : null;
  const close = () => {
    setTyped("");
    start.reset();
    setStartedHere(null);
    onClose();
  };

  return (
    <Dialog open={open} title={`Empty bucket ${bucket}?`} onClose={close}>
      {shown ? (
        <EmptyProgress job={shown} onClose={close} />
      ) : (
        <form
          className="space-y-3"
          onSubmit={(event) => {
            event.preventDefault();
            start.mutate(undefined, { onSuccess: (started) => setStartedHere(started.id) });
          }}
        >
          <p>
            Every object in {bucket} ({objectCount.toLocaleString()} now) will be deleted. This cannot be undone. The bucket, its settings and its mirror back-to-origin rules stay: a
            rule may fetch a deleted key from its origin again on the next GET.
          </p>
          <div className="space-y-1">
            <label htmlFor={inputId} className="block font-medium text-slate-800">
              Type the bucket name to confirm
            </label>
            <input
              id={inputId}
              value={typed}
              onChange={(event) => setTyped(event.target.value)}
              className={`${inputClass} font-mono`}
              autoComplete="off"
              spellCheck={false}
              aria-describedby={helpId}
              autoFocus
            />
            <p id={helpId} className="text-xs text-slate-600">
              Type <span className="font-mono">{bucket}</span> exactly.
            </p>
          </div>
          {start.error && (
            <p role="alert" className="rounded bg-red-50 p-2 text-red-700">
              {start.error.message}
            </p>
          )}
          <div className="flex justify-end gap-2">
            <Button variant="secondary" onClick={close} disabled={start.isPending}>
              Cancel
            </Button>
            <Button type="submit" variant="danger" disabled={typed !== bucket || start.isPending}>
              {start.isPending ? "Starting…" : "Empty bucket"}
            </Button>
          </div>
        </form>
      )}
    </Dialog>
  );
}

/** A job's progress while it runs, then its outcome in words. */
export function EmptyProgress({ job, onClose }: { job: EmptyJobView; onClose?: () => void }) {
  const running = job.state === "running";
  const labelId = useId();
  const total = Math.max(job.total, job.deleted + job.failed);
  return (
    <div className="space-y-3">
      <p id={labelId} role="status" className="font-medium">
        {running ? `Deleting objects: ${job.deleted.toLocaleString()} of ${total.toLocaleString()}…` : outcome(job)}
      </p>
      <progress aria-labelledby={labelId} max={Math.max(total, 1)} value={running ? job.deleted + job.failed : Math.max(total, 1)} className="h-2 w-full accent-brand-600" />
      {!running && job.failed > 0 && <p className="text-red-700">{countOf(job.failed, "object")} could not be deleted: {job.error}</p>}
      {!running && job.state === "failed" && <p className="text-red-700">{job.error}</p>}
      {!running && job.remaining !== null && job.remaining > 0 && (
        <p className="text-amber-800">
          {job.remaining === 1 ? "1 object is" : `${countOf(job.remaining, "object")} are`} still in the bucket (written while it was being emptied, or not deleted). Empty it again to delete them.
        </p>
      )}
      {onClose && (
        <div className="flex justify-end">
          <Button variant={running ? "secondary" : "primary"} onClick={onClose} autoFocus>
            {running ? "Close (keeps running)" : "Close"}
          </Button>
        </div>
      )}
    </div>
  );
}

function outcome(job: EmptyJobView): string {
  if (job.state === "failed") return `Emptying stopped after deleting ${countOf(job.deleted, "object")}.`;
  if (job.remaining === 0) return `The bucket is empty: ${countOf(job.deleted, "object")} deleted.`;
  return `Deleted ${countOf(job.deleted, "object")}.`;
}
