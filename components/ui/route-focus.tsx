"use client";

/**
 * Keeps the keyboard focus somewhere useful when what held it goes away, so it never falls to the
 * page's body (where the next Tab starts over from the top):
 * - after the console navigates within itself, the new view's heading takes the focus if the link
 *   that was followed went away with the old page (a breadcrumb, a deleted bucket's page) or a
 *   notice has it; a link that stays on screen (a tab) keeps it;
 * - when the focused element is removed, hidden or disabled in place (a folder link replaced by the
 *   folder's listing, a button disabled while its action runs, a dialog closed over a button that
 *   is now disabled), the view's heading takes it. A notice about the action may take it from there.
 */
import { usePathname, useSearchParams } from "next/navigation";
import { useEffect, useRef } from "react";
import { focusIsFree, focusLost, focusPageHeading, wentAway } from "./focus";

export function RouteFocus() {
  const pathname = usePathname();
  const search = useSearchParams().toString();
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
  }, [pathname, search]);

  useEffect(() => {
    const onFocusOut = (event: FocusEvent) => {
      const left = event.target;
      // Focus moving to another element, or to another window, is the user's doing.
      if (event.relatedTarget !== null || !(left instanceof Element)) return;
      requestAnimationFrame(() => {
        if (!document.hasFocus() || !focusLost() || !wentAway(left) || document.querySelector("dialog[open]")) return;
        focusPageHeading();
      });
    };
    document.addEventListener("focusout", onFocusOut);
    return () => document.removeEventListener("focusout", onFocusOut);
  }, []);
  return null;
}
