import type { ReactNode } from "react";

/**
 * A wide table scrolls inside its own box on a narrow screen, not the whole page. The box is a
 * labelled, focusable region so keyboard users can scroll it too (axe: scrollable-region-focusable).
 */
export function TableScroller({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div role="region" aria-label={label} tabIndex={0} className="overflow-x-auto rounded-lg focus-visible:outline-2 focus-visible:outline-brand-600">
      {children}
    </div>
  );
}
