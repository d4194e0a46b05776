"use client";

/**
 * A page's or panel's heading that takes the focus when the view is reached by navigation (or a
 * save that navigates), so keyboard and screen-reader users start at the new content instead of
 * the top of the page. It does not take focus from a control the user is in; it does take it from
 * a notice (the "Rule #2 saved" that announced the save which navigated here) and from the page's
 * main heading, which holds it while a view loads (RouteFocus).
 */
import { useEffect, useRef, type ReactNode } from "react";
import { focusIsFree } from "./focus";

export function ArrivalHeading({ level = 2, id, className, children }: { level?: 1 | 2; id?: string; className?: string; children: ReactNode }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (focusIsFree()) ref.current?.focus({ preventScroll: true });
  }, []);
  const Tag = level === 1 ? "h1" : "h2";
  return (
    <Tag ref={ref} id={id} tabIndex={-1} data-arrival-heading="" className={`focus:outline-none ${className ?? ""}`}>
      {children}
    </Tag>
  );
}
