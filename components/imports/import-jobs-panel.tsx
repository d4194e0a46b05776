"use client";

/** The Migration tab's import section: start an import, and every job of the bucket with live progress. */
import { QueryError } from "@/components/ui/query-error";
import { Spinner } from "@/components/ui/spinner";
import { useImportJobs } from "@/lib/imports/import-queries";
import { ImportJobCard } from "./import-job-card";
import { StartImportForm } from "./start-import-form";

export function ImportJobsPanel({ bucket }: { bucket: string }) {
  const jobs = useImportJobs(bucket);
  return (
    <section aria-labelledby="imports-title" className="space-y-4">
      <div>
        <h2 id="imports-title" className="text-lg font-medium">
          Import jobs
        </h2>
        <p className="text-sm text-slate-600">
          Mirror back-to-origin fills gaps on first access; an import pulls the rest now, so you know when the bucket no longer needs its origin.
        </p>
      </div>
      <StartImportForm bucket={bucket} />
      {jobs.isPending ? (
        <Spinner label="Loading import jobs" />
      ) : jobs.isError ? (
        <QueryError error={jobs.error} what="the import jobs" onRetry={() => void jobs.refetch()} />
      ) : jobs.data.length === 0 ? (
        <p className="text-sm text-slate-600">No imports yet.</p>
      ) : (
        <div className="space-y-3">
          {jobs.data.map((job) => (
            <ImportJobCard key={job.id} bucket={bucket} job={job} />
          ))}
        </div>
      )}
    </section>
  );
}
