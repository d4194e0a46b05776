/** Where the keyboard focus is, and where it goes when a view has none to give it (browser only). */

/**
 * Whether the focus is nowhere in particular: on the page's body, on nothing, or on an element no
 * longer shown (the link just followed, which the router hides with the old page before the
 * browser moves the focus off it).
 */
export function focusLost(): boolean {
  const active = document.activeElement;
  return active === null || active === document.body || !active.isConnected || active.getClientRects().length === 0;
}

/** Set on the page's main heading while it holds the focus only until the view's own heading appears. */
const PARKED = "data-focus-parked";

/**
 * Whether a view that has just appeared may take the focus: it is lost, on a notice (the "saved"
 * that announced the save which navigated here), or parked on the page's main heading while the
 * view was loading.
 */
export function focusIsFree(): boolean {
  const active = document.activeElement;
  return focusLost() || active?.closest("[data-notices]") != null || active?.hasAttribute(PARKED) === true;
}

/**
 * Focuses the view's own heading (an ArrivalHeading) or else the page's main heading, without
 * scrolling. Either holds the focus "parked": a notice, or a view still loading, may take it.
 */
export function focusPageHeading(): void {
  const heading = document.querySelector<HTMLElement>("main [data-arrival-heading]") ?? document.querySelector<HTMLElement>("main h1");
  if (!heading) return;
  if (!heading.hasAttribute("tabindex")) heading.setAttribute("tabindex", "-1");
  heading.setAttribute(PARKED, "");
  heading.addEventListener("blur", () => heading.removeAttribute(PARKED), { once: true });
  heading.focus({ preventScroll: true });
}

/**
 * Whether `element`, which just lost the focus, lost it by going away: removed, hidden, or disabled
 * (a button disabled while its action runs, a folder link replaced by the folder's listing), as
 * opposed to the user clicking or tabbing elsewhere.
 */
export function wentAway(element: Element): boolean {
  return !element.isConnected || element.getClientRects().length === 0 || (element as HTMLButtonElement).disabled === true;
}
