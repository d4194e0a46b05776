"use client";

/**
 * A modal confirmation: a Dialog whose Cancel and confirm buttons drive one mutation. Focus moves
 * into it, Escape cancels (not while the mutation runs), and the page behind is inert while it is open.
 */
import type { ReactNode } from "react";
import { Button } from "./button";
import { Dialog } from "./dialog";

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

  return (
    <Dialog open={open} title={title} onClose={onCancel} busy={pending} wide={wide} scrollable>
      {children}
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
    </Dialog>
  );
}
