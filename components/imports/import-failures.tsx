"use client";

/** The failed keys of a job with their reasons, a page at a time, and the whole list as CSV. */
import { Breakable } from "@/components/ui/breakable";
import { LoadMoreButton } from "@/components/ui/load-more-button";
import { QueryError } from "@/components/ui/query-error";
import { Spinner } from "@/components/ui/spinner";
import { TableHead } from "@/components/ui/table-head";
import { TableScroller } from "@/components/ui/table-scroller";
import { failuresCsvUrl, useImportFailures } from "@/lib/imports/import-queries";

export function ImportFailures({ bucket, jobId, failed }: { bucket: string; jobId: number; failed: number }) {
  const failures = useImportFailures(bucket, jobId, failed);
  if (failures.isPending) return <Spinner label="Loading the failures" />;
  if (failures.isError) return <QueryError error={failures.error} what="the failures" onRetry={() => void failures.refetch()} />;
  const items = failures.data.pages.flatMap((page) => page.items);
  return (
    <div className="space-y-2">
      <TableScroller label={`Failed keys of job #${jobId}`}>
        <table className="w-full text-sm">
          <TableHead caption={`Keys of job #${jobId} that failed, with the reason`} columns={["Key", "Reason"]} cellPadding="px-3 py-1.5" />
          <tbody>
            {items.map((item) => (
              <tr key={item.key} className="border-t border-slate-100 align-top">
                <td className="px-3 py-1.5 font-mono">
                  <Breakable text={item.key} />
                </td>
                <td className="px-3 py-1.5">
                  <Breakable text={item.reason} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroller>
      <div className="flex gap-3">
        <LoadMoreButton query={failures} label="Show more failures" />
        <a className="text-sm text-brand-700 underline-offset-2 hover:underline" href={failuresCsvUrl(bucket, jobId)} download>
          Download all failures (CSV)
        </a>
      </div>
    </div>
  );
}
