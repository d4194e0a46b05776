"use client";

import { Area, AreaChart, Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { ActivityPoint } from "@/lib/activity/activity-query";

export interface ChartSeries {
  field: keyof Omit<ActivityPoint, "start">;
  label: string;
  color: string;
}

interface ActivityChartProps {
  title: string;
  /** What the chart shows, in words: the figure's caption and the accessible name of the drawing. */
  summary: string;
  points: ActivityPoint[];
  series: ChartSeries[];
  kind: "bar" | "area";
  formatTick: (iso: string) => string;
  formatValue?: (value: number) => string;
}

/** One activity chart (recharts): the drawing for sighted users, the caption and the table below it for everyone. */
export function ActivityChart({ title, summary, points, series, kind, formatTick, formatValue = String }: ActivityChartProps) {
  const Chart = kind === "bar" ? BarChart : AreaChart;
  return (
    <figure className="space-y-2 rounded-md border border-slate-200 p-3">
      <figcaption>
        <span className="block font-medium">{title}</span>
        <span className="block text-sm text-slate-600">{summary}</span>
      </figcaption>
      <div role="img" aria-label={`${title}: ${summary}`} className="h-48 w-full">
        <ResponsiveContainer width="100%" height="100%">
          <Chart data={points} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
            <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" />
            <XAxis dataKey="start" tickFormatter={formatTick} minTickGap={24} fontSize={12} />
            <YAxis allowDecimals={false} tickFormatter={(value: number) => formatValue(value)} width={64} fontSize={12} />
            <Tooltip labelFormatter={(label) => formatTick(String(label))} formatter={(value) => formatValue(Number(value))} />
            {/* Legend text in body colour: the series colours are too light for text (WCAG contrast). */}
            {series.length > 1 && <Legend formatter={(value) => <span className="text-slate-700">{value}</span>} />}
            {series.map((line) =>
              kind === "bar" ? (
                <Bar key={line.field} dataKey={line.field} name={line.label} fill={line.color} stackId="counts" isAnimationActive={false} />
              ) : (
                <Area key={line.field} dataKey={line.field} name={line.label} stroke={line.color} fill={line.color} fillOpacity={0.25} isAnimationActive={false} />
              ),
            )}
          </Chart>
        </ResponsiveContainer>
      </div>
    </figure>
  );
}
