"use client";

/**
 * Asks before a page with unsaved edits is left, however the user leaves it:
 * - closing or reloading the tab, or typing another address: the browser's own question (beforeunload);
 * - a link inside the console (tabs, breadcrumbs, the header): the page's own dialog, then the link;
 * - the browser's Back button: while there are edits, an extra history entry for this same page sits
 *   on top, so Back lands on the page's own entry (nothing visible changes), puts the extra entry
 *   back and asks; leaving then goes back past both. Both entries are marked in their state, so
 *   the popstate of a "#section" link (which adds an entry of its own) is told apart from Back.
 * `leave(href)` navigates away on purpose (after a save, or Cancel with nothing to lose), replacing
 * the extra entry if there is one, so Back later returns to the page once, not twice.
 */
import { useRouter } from "next/navigation";
import { useCallback, useEffect, useRef, useState } from "react";

/** The history state's key marking this page's own entry; the extra entry has `${MARK}:extra`. */
const MARK = "leaveGuard";

/** The current history entry's state with `mark` added (the router's own fields kept). */
const markedState = (mark: string) => ({ ...(window.history.state as object | null), [MARK]: mark });
const entryMark = (): unknown => (window.history.state as Record<string, unknown> | null)?.[MARK];

/** Where the user was going when the dialog opened: a path in the console, or back in history. */
export type LeaveTarget = { href: string } | { back: true };

export interface LeaveGuard {
  /** Where the user asked to go while there were edits; the caller shows its "Discard?" dialog while set. */
  asked: LeaveTarget | null;
  /** Ask before leaving for `href` if there are edits (Cancel), else go. */
  request: (href: string) => void;
  /** Leave for where the user asked, dropping the edits. */
  discard: () => void;
  /** Stay on the page with the edits. */
  stay: () => void;
  /** Go to `href` now, asking nothing (after a save). */
  leave: (href: string) => void;
}

/** A plain left click on a link to another page of this site, or null (new tab, download, other site, same page). */
function consoleLinkOf(event: MouseEvent): string | null {
  if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return null;
  const anchor = event.target instanceof Element ? event.target.closest("a[href]") : null;
  if (!(anchor instanceof HTMLAnchorElement)) return null;
  if ((anchor.target && anchor.target !== "_self") || anchor.hasAttribute("download")) return null;
  const url = new URL(anchor.href, window.location.href);
  // Another site: the browser asks (beforeunload). The same page (a "#preview" link): nothing is lost.
  if (url.origin !== window.location.origin) return null;
  if (url.pathname === window.location.pathname && url.search === window.location.search) return null;
  return url.pathname + url.search + url.hash;
}

export function useLeaveGuard(dirty: boolean): LeaveGuard {
  const router = useRouter();
  const [asked, setAsked] = useState<LeaveTarget | null>(null);
  const dirtyNow = useRef(dirty);
  /** Whether this page's extra history entry is on top. */
  const armed = useRef(false);
  /** This form's marks on its two history entries. */
  // Random, not counted: entries from before a reload keep their marks in the history.
  const [mark] = useState(() => Math.random().toString(36).slice(2));
  /** Set once the user chose to leave: nothing is asked any more. */
  const leaving = useRef(false);

  useEffect(() => {
    dirtyNow.current = dirty;
  }, [dirty]);

  const leave = useCallback(
    (href: string) => {
      leaving.current = true;
      if (armed.current) {
        armed.current = false;
        router.replace(href);
      } else {
        router.push(href);
      }
    },
    [router],
  );

  useEffect(() => {
    if (!dirty) return;
    const warn = (event: BeforeUnloadEvent) => event.preventDefault();
    // Capture, on window: before the router's own handler (React listens on the document) sees the click.
    const onClick = (event: MouseEvent) => {
      if (leaving.current) return;
      const href = consoleLinkOf(event);
      if (href === null) return;
      event.preventDefault();
      event.stopPropagation();
      setAsked({ href });
    };
    window.addEventListener("beforeunload", warn);
    window.addEventListener("click", onClick, true);
    if (!armed.current && !leaving.current) {
      // The router keeps its own state in history entries: both marked entries carry it.
      window.history.replaceState(markedState(mark), "", window.location.href);
      window.history.pushState(markedState(`${mark}:extra`), "", window.location.href);
      armed.current = true;
    }
    return () => {
      window.removeEventListener("beforeunload", warn);
      window.removeEventListener("click", onClick, true);
    };
  }, [dirty, mark]);

  useEffect(() => {
    const onPopState = () => {
      // Back onto this page's own entry; any other entry (a "#section" link's) asks nothing.
      if (!armed.current || leaving.current || entryMark() !== mark) return;
      armed.current = false;
      if (dirtyNow.current) {
        window.history.pushState(markedState(`${mark}:extra`), "", window.location.href);
        armed.current = true;
        setAsked({ back: true });
      } else {
        // The edits were undone meanwhile: carry on to where Back was going.
        leaving.current = true;
        window.history.back();
      }
    };
    window.addEventListener("popstate", onPopState);
    return () => window.removeEventListener("popstate", onPopState);
  }, [mark]);

  const request = useCallback((href: string) => (dirtyNow.current ? setAsked({ href }) : leave(href)), [leave]);
  const stay = useCallback(() => setAsked(null), []);
  const discard = useCallback(() => {
    const target = asked;
    setAsked(null);
    if (!target) return;
    if ("href" in target) {
      leave(target.href);
      return;
    }
    leaving.current = true;
    armed.current = false;
    // Past the extra entry and this page's own.
    window.history.go(-2);
  }, [asked, leave]);

  return { asked, request, discard, stay, leave };
}
