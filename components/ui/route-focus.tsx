"use client";

/**
 * After the console navigates within itself, the new page's main heading takes the focus when the
 * focus was left nowhere (the link that was followed went away with the old page, as a breadcrumb
 * does, or a deleted bucket's page did) or on a notice. Views that name a more precise heading use
 * ArrivalHeading, which has the focus by then; a link that stays on screen (a tab) keeps it.
 */
import { usePathname } from "next/navigation";
import { useEffect, useRef } from "react";
import { focusIsFree, focusPageHeading } from "./focus";

export function RouteFocus() {
  const pathname = usePathname();
  const first = useRef(true);
  useEffect(() => {
    // The first page load starts at the top of the page, as any page does.
    if (first.current) {
      first.current = false;
      return;
    }
    const frame = requestAnimationFrame(() => {
      if (focusIsFree()) focusPageHeading();
    });
    return () => cancelAnimationFrame(frame);
  }, [pathname]);
  return null;
}
