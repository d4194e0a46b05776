"use client";

import { originHostKey, type OriginHealthView } from "@/lib/mirroring/origin-health";
import type { Origin } from "@/lib/mirroring/rule-schema";

const time = (iso: string) => new Date(iso).toLocaleTimeString();

/**
 * Under an origin in the rules list: whether its circuit breaker has stopped back-to-origin, and
 * when it tries again. Nothing while the origin is healthy.
 */
export function OriginHealthNote({ origin, health }: { origin: Origin | null; health: OriginHealthView[] | undefined }) {
  const key = originHostKey(origin);
  const view = key ? health?.find((candidate) => candidate.origin === key) : undefined;
  if (!view || view.circuit === "closed") return null;
  const since = view.unavailableSince ? ` since ${time(view.unavailableSince)}` : "";
  const next = view.circuit === "half-open" || !view.retryAt ? "trying one request now" : `retrying at ${time(view.retryAt)}`;
  return (
    <p role="status" className="mt-1 text-xs text-red-700" title={view.lastFailure ?? undefined}>
      Origin unavailable{since}, {next}. Misses fail with 424 until then.
    </p>
  );
}
