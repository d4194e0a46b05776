"use client";

import { useState } from "react";
import { Breakable } from "@/components/ui/breakable";
import { Button } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { LoadMoreButton } from "@/components/ui/load-more-button";
import { QueryError } from "@/components/ui/query-error";
import { Spinner } from "@/components/ui/spinner";
import { TableHead } from "@/components/ui/table-head";
import { TableScroller } from "@/components/ui/table-scroller";
import { OUTCOME_LABELS } from "@/lib/activity/activity-format";
import { formatBytes } from "@/lib/format-bytes";
import { useMirrorEvents } from "@/lib/activity/activity-queries";
import type { MirrorOutcomeKind } from "@/lib/origin/mirror-outcome";

/** What the list shows: the failures first, since they answer "I configured a rule and still get 404". */
const FILTERS: { label: string; outcomes: readonly MirrorOutcomeKind[] }[] = [
  { label: "Failures", outcomes: ["failed", "circuit-open"] },
  { label: "Missing at origin", outcomes: ["missing", "negative-cached"] },
  { label: "Everything", outcomes: [] },
];

export function RecentMirrorEvents({ bucket }: { bucket: string }) {
  const [filter, setFilter] = useState(0);
  const { label, outcomes } = FILTERS[filter]!;
  const events = useMirrorEvents(bucket, outcomes);
  const list = events.data?.pages.flatMap((page) => page.events) ?? [];
  return (
    <section aria-labelledby="events-title" className="space-y-3">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h3 id="events-title" className="font-medium">
          Recent back-to-origin events
        </h3>
        <div role="group" aria-label="Which events" className="flex gap-1">
          {FILTERS.map((option, index) => (
            <Button key={option.label} variant={index === filter ? "primary" : "secondary"} aria-pressed={index === filter} onClick={() => setFilter(index)}>
              {option.label}
            </Button>
          ))}
        </div>
      </div>
      {events.isPending && <Spinner label="Loading the events" />}
      {events.isError && <QueryError error={events.error} what="the back-to-origin events" onRetry={() => void events.refetch()} />}
      {events.data && list.length === 0 && (
        <EmptyState compact>{filter === 0 ? "No failures recorded: every origin that was asked answered." : `No events to show under “${label}”.`}</EmptyState>
      )}
      {list.length > 0 && (
        <TableScroller label="Recent back-to-origin events table">
          <table className="w-full text-sm">
            <TableHead caption={`Recent back-to-origin events (${label}), newest first`} columns={["When", "Key", "Outcome", "Reason", "Origin URL", "Rule"]} />
            <tbody>
              {list.map((event) => (
                <tr key={event.id} className="border-t border-slate-100 align-top">
                  <td className="px-3 py-2 whitespace-nowrap">{new Date(event.at).toLocaleString()}</td>
                  <td className="min-w-32 px-3 py-2">
                    <Breakable text={event.key} />
                  </td>
                  <td className="px-3 py-2">
                    {OUTCOME_LABELS[event.outcome]}
                    {event.status !== null && event.outcome !== "missing" && ` (HTTP ${event.status})`}
                    {event.outcome === "pulled" && `, ${formatBytes(event.bytes)}`}
                    <span className="block text-xs text-slate-500">
                      {event.source === "get" ? "GET miss" : event.source} · {event.durationMs} ms
                    </span>
                  </td>
                  <td className="min-w-48 px-3 py-2">{event.reason ? <Breakable text={event.reason} /> : "—"}</td>
                  <td className="min-w-48 px-3 py-2">{event.originUrl ? <Breakable text={event.originUrl} /> : "—"}</td>
                  <td className="px-3 py-2">{event.ruleId === null ? "FetchObject" : `#${event.ruleId}`}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroller>
      )}
      <LoadMoreButton query={events} label="Show older events" />
    </section>
  );
}
