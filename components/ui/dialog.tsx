"use client";

/**
 * A modal on the native <dialog>, for dialogs that are more than a yes/no (ConfirmDialog is that,
 * built on this one): shown with showModal(), so the page behind is inert and focus stays inside;
 * Escape closes it unless `busy`; the title labels it. Focus returns to what opened it when it closes.
 */
import { useEffect, useId, useRef, type ReactNode } from "react";

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
