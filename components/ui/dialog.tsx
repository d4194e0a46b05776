"use client";

/**
 * A modal on the native <dialog>, for dialogs that are more than a yes/no (ConfirmDialog is that,
 * built on this one): shown with showModal(), so the page behind is inert; Tab and Shift+Tab cycle
 * through the dialog's own controls (a native modal lets Tab leave for the browser's toolbar);
 * Escape closes it unless `busy`; the title labels it. Focus returns to what opened it when it closes.
 */
import { useEffect, useId, useRef, type KeyboardEvent, type ReactNode } from "react";

const FOCUSABLE = 'a[href], button:not([disabled]), input:not([disabled]):not([type="hidden"]), select:not([disabled]), textarea:not([disabled]), summary, [tabindex]:not([tabindex="-1"])';

/** Whether Tab stops at `element`: of a radio group with a choice made, only the chosen radio. */
function tabStopOf(dialog: HTMLDialogElement, element: HTMLElement): boolean {
  if (!(element instanceof HTMLInputElement) || element.type !== "radio" || element.checked || !element.name) return true;
  return ![...dialog.querySelectorAll<HTMLInputElement>('input[type="radio"]')].some((radio) => radio.name === element.name && radio.checked);
}

/** Keeps Tab inside `dialog`: from its last control to its first, and Shift+Tab the other way. */
function trapTab(dialog: HTMLDialogElement, event: KeyboardEvent<HTMLDialogElement>) {
  if (event.key !== "Tab" || event.altKey || event.ctrlKey || event.metaKey) return;
  const controls = [...dialog.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((element) => element.getClientRects().length > 0 && tabStopOf(dialog, element));
  const first = controls[0];
  const last = controls[controls.length - 1];
  if (!first || !last) {
    event.preventDefault();
    return;
  }
  const active = document.activeElement;
  const inside = active instanceof Node && dialog.contains(active) && active !== dialog;
  if (event.shiftKey && (!inside || active === first)) {
    event.preventDefault();
    last.focus();
  } else if (!event.shiftKey && (!inside || active === last)) {
    event.preventDefault();
    first.focus();
  }
}

interface DialogProps {
  open: boolean;
  title: string;
  onClose: () => void;
  /** While busy, Escape does not close the dialog (the caller disables its own buttons). */
  busy?: boolean;
  children: ReactNode;
  /** Wider than the default for dialogs that list things. */
  wide?: boolean;
  /** The body scrolls within 85% of the viewport's height (for content that can grow, such as a preview). */
  scrollable?: boolean;
}

export function Dialog({ open, title, onClose, busy = false, children, wide = false, scrollable = false }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);

  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      onKeyDown={(event) => {
        if (ref.current) trapTab(ref.current, event);
      }}
      onCancel={(event) => {
        event.preventDefault();
        if (!busy) onClose();
      }}
      className={`m-auto w-[calc(100%-2rem)] rounded-lg border border-slate-200 p-0 shadow-xl ${wide ? "max-w-2xl" : "max-w-md"}`}
    >
      {open && (
        <div className={scrollable ? "max-h-[85vh] overflow-y-auto p-6" : "p-6"}>
          <h2 id={titleId} className="text-lg font-semibold">
            {title}
          </h2>
          <div className="mt-3 text-sm text-slate-700">{children}</div>
        </div>
      )}
    </dialog>
  );
}
