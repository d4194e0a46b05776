"use client";

import { LoadMoreButton } from "@/components/ui/load-more-button";
import { QueryError } from "@/components/ui/query-error";
import { Spinner } from "@/components/ui/spinner";
import { TableHead } from "@/components/ui/table-head";
import { Breakable, EmailText } from "@/components/ui/breakable";
import { TableScroller } from "@/components/ui/table-scroller";
import { describeAuditActor, describeAuditEvent } from "@/lib/audit/audit-format";
import { useAuditLog } from "@/lib/audit/audit-queries";

const pretty = (value: unknown) => (value === null ? "Nothing" : JSON.stringify(value, null, 2));

/**
 * The whole state, wrapped rather than clipped: long URLs and keys wrap after / . - and the like
 * (Breakable), never inside a word; the column grows for a longer run and the table scrolls.
 */
function StateView({ label, value }: { label: string; value: unknown }) {
  return (
    <div>
      <p className="text-xs font-medium text-slate-700">{label}</p>
      <pre className="rounded bg-slate-50 p-2 text-xs whitespace-pre-wrap">
        <Breakable text={pretty(value)} />
      </pre>
    </div>
  );
}

/** A bucket's audit log, or with `bucket={null}` the log of access keys and other changes outside buckets. */
export function AuditLogView({ bucket, title = "Audit log" }: { bucket: string | null; title?: string }) {
  const audit = useAuditLog(bucket);
  const subject = bucket ?? "access keys";
  if (audit.isPending) return <Spinner label="Loading the audit log" />;
  if (audit.isError) return <QueryError error={audit.error} what="the audit log" onRetry={() => void audit.refetch()} />;
  const events = audit.data.pages.flatMap((page) => page.events);
  return (
    <section aria-labelledby="audit-title" className="space-y-3 rounded-lg border border-slate-200 bg-white p-4">
      <h2 id="audit-title" className="text-lg font-medium">
        {title}
      </h2>
      {events.length === 0 ? (
        <p className="text-sm text-slate-600">No changes recorded for {subject} yet.</p>
      ) : (
        <TableScroller label={`${title} table`}>
          <table className="w-full text-sm">
            <TableHead caption={`Changes to ${subject}, newest first`} columns={["When", "Who", "What", "Details"]} />
            <tbody>
              {events.map((event) => (
                <tr key={event.id} className="border-t border-slate-100 align-top">
                  <td className="px-3 py-2 whitespace-nowrap">{new Date(event.at).toLocaleString()}</td>
                  <td className="px-3 py-2">
                    <EmailText text={describeAuditActor(event.actor)} />
                  </td>
                  <td className="px-3 py-2">
                    <Breakable text={describeAuditEvent(event)} />
                  </td>
                  <td className="min-w-64 px-3 py-2">
                    <details>
                      <summary className="cursor-pointer text-brand-700">Before and after</summary>
                      <div className="mt-2 grid gap-2 xl:grid-cols-2">
                        <StateView label="Before" value={event.before} />
                        <StateView label="After" value={event.after} />
                      </div>
                      <p className="mt-1 text-xs text-slate-700">Request id: {event.requestId}</p>
                    </details>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroller>
      )}
      <LoadMoreButton query={audit} label="Show older changes" />
    </section>
  );
}
