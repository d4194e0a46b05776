/** How the console words activity figures (pure; sizes: lib/format-bytes.ts). */

export const RANGE_LABELS = {
  "1h": "last hour",
  "6h": "last 6 hours",
  "24h": "last 24 hours",
  "48h": "last 48 hours",
  "7d": "last 7 days",
  "30d": "last 30 days",
  "90d": "last 90 days",
} as const;

export const OUTCOME_LABELS = {
  pulled: "Pulled",
  missing: "Missing at origin (404)",
  failed: "Failed",
  redirected: "Redirected",
  "negative-cached": "Skipped (recent 404 remembered)",
  "circuit-open": "Refused (origin circuit open)",
} as const;

/** A period's start as the axis and the table show it: a time for minutes and hours, a date for longer ranges. */
export function formatPeriod(iso: string, resolution: "minute" | "hour", long: boolean): string {
  const date = new Date(iso);
  if (resolution === "minute") return date.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  return long ? date.toLocaleString([], { month: "short", day: "numeric", hour: "2-digit" }) : date.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
}
