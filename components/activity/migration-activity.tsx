"use client";

import { useState } from "react";
import { EmptyState } from "@/components/ui/empty-state";
import { QueryError } from "@/components/ui/query-error";
import { Spinner } from "@/components/ui/spinner";
import { TableScroller } from "@/components/ui/table-scroller";
import { TableHead } from "@/components/ui/table-head";
import { RANGE_LABELS, formatPeriod } from "@/lib/activity/activity-format";
import { formatBytes } from "@/lib/format-bytes";
import { useBucketActivity } from "@/lib/activity/activity-queries";
import { ACTIVITY_RANGES, DEFAULT_ACTIVITY_RANGE, isActivityRange, type ActivityPoint, type ActivityRange, type BucketActivity } from "@/lib/activity/activity-query";
import { ActivityChart } from "./activity-chart";
import { RecentMirrorEvents } from "./recent-mirror-events";

const sum = (points: ActivityPoint[], field: keyof Omit<ActivityPoint, "start">) => points.reduce((total, point) => total + point[field], 0);

/** The busiest period of a series, in words ("most in the period from 14:00"), or nothing when all are empty. */
function peak(points: ActivityPoint[], field: keyof Omit<ActivityPoint, "start">, format: (iso: string) => string): string {
  const busiest = points.reduce<ActivityPoint | null>((best, point) => (point[field] > (best?.[field] ?? 0) ? point : best), null);
  return busiest ? `; most in the period from ${format(busiest.start)}` : "";
}

/** The Migration tab's charts: pulls, bytes and failures over time, with the same figures as text and as a table. */
export function MigrationActivity({ bucket }: { bucket: string }) {
  const [range, setRange] = useState<ActivityRange>(DEFAULT_ACTIVITY_RANGE);
  const activity = useBucketActivity(bucket, range);
  return (
    <section aria-labelledby="activity-title" className="space-y-4 rounded-lg border border-slate-200 bg-white p-4">
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <h2 id="activity-title" className="text-lg font-medium">
            Back-to-origin activity
          </h2>
          <p className="max-w-2xl text-sm text-slate-600">
            What GET misses pulled from your origins, what the origins did not have, and what failed, counted per rule.
          </p>
        </div>
        <label className="text-sm">
          <span className="mr-2 text-slate-600">Show the</span>
          <select
            className="rounded-md border border-slate-300 px-2 py-1"
            value={range}
            onChange={(event) => isActivityRange(event.target.value) && setRange(event.target.value)}
          >
            {(Object.keys(ACTIVITY_RANGES) as ActivityRange[]).map((option) => (
              <option key={option} value={option}>
                {RANGE_LABELS[option]}
              </option>
            ))}
          </select>
        </label>
      </div>
      {activity.isPending && <Spinner label="Loading the activity" />}
      {activity.isError && <QueryError error={activity.error} what="the back-to-origin activity" onRetry={() => void activity.refetch()} />}
      {activity.data && <ActivityCharts activity={activity.data} />}
      <RecentMirrorEvents bucket={bucket} />
    </section>
  );
}

function ActivityCharts({ activity }: { activity: BucketActivity }) {
  const { series: points, totals, resolution } = activity;
  const long = ACTIVITY_RANGES[activity.range] > 1_440;
  const tick = (iso: string) => formatPeriod(iso, resolution, long);
  const when = RANGE_LABELS[activity.range];
  const anything = totals.pulled + totals.missing + totals.failed + totals.redirected + totals.negativeCached + totals.circuitOpen > 0;
  if (!anything) {
    return (
      <EmptyState>No back-to-origin activity in the {when}. Pulls show here once a GET misses an object that a rule matches.</EmptyState>
    );
  }
  const failures = totals.failed + totals.circuitOpen;
  return (
    <div className="space-y-4">
      <p className="text-sm" aria-live="polite">
        In the {when}: <strong>{totals.pulled}</strong> object{totals.pulled === 1 ? "" : "s"} pulled ({formatBytes(totals.bytes)}),{" "}
        <strong>{totals.missing}</strong> missing at the origin, <strong>{failures}</strong> failed
        {totals.redirected > 0 && `, ${totals.redirected} redirected`}
        {totals.negativeCached > 0 && `, ${totals.negativeCached} skipped (recent 404 remembered)`}.
      </p>
      <div className="grid gap-4 lg:grid-cols-3">
        <ActivityChart
          title="Objects pulled"
          summary={`${totals.pulled} pulled in the ${when}${peak(points, "pulled", tick)}.`}
          points={points}
          series={[{ field: "pulled", label: "Pulled", color: "#2563eb" }]}
          kind="bar"
          formatTick={tick}
        />
        <ActivityChart
          title="Bytes pulled"
          summary={`${formatBytes(totals.bytes)} pulled in the ${when}${peak(points, "bytes", tick)}.`}
          points={points}
          series={[{ field: "bytes", label: "Bytes", color: "#0d9488" }]}
          kind="area"
          formatTick={tick}
          formatValue={formatBytes}
        />
        <ActivityChart
          title="Failures and misses"
          summary={`${failures} failed and ${totals.missing} missing at the origin in the ${when}${peak(points, "failed", tick)}.`}
          points={points}
          series={[
            { field: "failed", label: "Failed", color: "#dc2626" },
            { field: "circuitOpen", label: "Circuit open", color: "#f97316" },
            { field: "missing", label: "Missing (404)", color: "#a1a1aa" },
          ]}
          kind="bar"
          formatTick={tick}
        />
      </div>
      <details>
        <summary className="cursor-pointer text-sm text-brand-700">Show the figures as a table</summary>
        <TableScroller label="Back-to-origin activity table">
        <table className="mt-2 w-full text-sm">
          <TableHead caption={`Back-to-origin activity per ${resolution} with any activity, ${when}`} columns={["Period from", "Pulled", "Bytes", "Missing", "Failed", "Redirected"]} />
          <tbody>
            {points
              .filter((point) => point.pulled + point.missing + point.failed + point.redirected + point.circuitOpen + point.negativeCached > 0)
              .map((point) => (
                <tr key={point.start} className="border-t border-slate-100">
                  <td className="px-3 py-2">{new Date(point.start).toLocaleString()}</td>
                  <td className="px-3 py-2">{point.pulled}</td>
                  <td className="px-3 py-2">{formatBytes(point.bytes)}</td>
                  <td className="px-3 py-2">{point.missing}</td>
                  <td className="px-3 py-2">{point.failed + point.circuitOpen}</td>
                  <td className="px-3 py-2">{point.redirected}</td>
                </tr>
              ))}
          </tbody>
        </table>
        </TableScroller>
        <p className="mt-1 text-xs text-slate-500">Total in the {when}: {sum(points, "pulled")} pulled.</p>
      </details>
    </div>
  );
}
