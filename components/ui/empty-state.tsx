import type { ReactNode } from "react";

/** What a list shows while it has nothing: a dashed box that says so, and what would fill it. */
export function EmptyState({ children, compact = false }: { children: ReactNode; compact?: boolean }) {
  return <p className={`rounded-md border border-dashed border-slate-300 ${compact ? "p-4" : "p-6"} text-center text-sm text-slate-600`}>{children}</p>;
}
