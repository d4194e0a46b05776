"use client";

/**
 * A modal confirmation on the native <dialog>: focus moves into it, Escape cancels,
 * and the page behind is inert while it is open.
 */
import { useEffect, useId, useRef, type ReactNode } from "react";
import { Button } from "./button";

/** The mutation the dialog confirms: its progress and error are shown, and reset on cancel. */
interface ConfirmedMutation {
  isPending: boolean;
  error: Error | null;
  reset: () => void;
}

interface ConfirmDialogProps {
  open: boolean;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  mutation: ConfirmedMutation;
  onConfirm: () => void;
  onCancel: () => void;
  /** Why the confirm button cannot be used yet (e.g. nothing valid to import), or null. */
  confirmBlocked?: string | null;
  /** A wider dialog, for content such as a preview. */
  wide?: boolean;
}

export function ConfirmDialog({ open, title, children, confirmLabel, mutation, onConfirm, onCancel: close, confirmBlocked = null, wide = false }: ConfirmDialogProps) {
  const pending = mutation.isPending;
  const error = mutation.error?.message;
  const onCancel = () => {
    mutation.reset();
    close();
  };
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
        if (!pending) onCancel();
      }}
      className={`m-auto w-[calc(100%-2rem)] ${wide ? "max-w-2xl" : "max-w-md"} rounded-lg border border-slate-200 p-0 shadow-xl`}
    >
      <div className="max-h-[85vh] overflow-y-auto p-6">
        <h2 id={titleId} className="text-lg font-semibold">
          {title}
        </h2>
        <div className="mt-3 text-sm text-slate-700">{children}</div>
        {error && (
          <p role="alert" className="mt-3 rounded bg-red-50 p-2 text-sm text-red-700">
            {error}
          </p>
        )}
        <div className="mt-6 flex justify-end gap-2">
          <Button variant="secondary" onClick={onCancel} disabled={pending} autoFocus>
            Cancel
          </Button>
          <Button variant="danger" onClick={onConfirm} disabled={pending || confirmBlocked !== null} title={confirmBlocked ?? undefined}>
            {pending ? "Working…" : confirmLabel}
          </Button>
        </div>
      </div>
    </dialog>
  );
}
