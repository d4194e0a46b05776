/** Where the keyboard focus is, and where it goes when a view has none to give it (browser only). */

/** Whether the focus is nowhere in particular (on the page's body, or on nothing). */
export const focusLost = () => document.activeElement === null || document.activeElement === document.body;

/** Whether the focus is on a notice (components/ui/notices.tsx): a view reached by navigation takes it. */
export const focusOnNotice = () => document.activeElement?.closest("[data-notices]") != null;

/** Focuses the page's main heading (made focusable from script), without scrolling. */
export function focusPageHeading(): void {
  const heading = document.querySelector<HTMLElement>("main h1");
  if (!heading) return;
  if (!heading.hasAttribute("tabindex")) heading.setAttribute("tabindex", "-1");
  heading.focus({ preventScroll: true });
}
