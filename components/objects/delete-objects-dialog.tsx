"use client";

/** Confirms deleting one or several objects, then says how many went. */
import { Breakable } from "@/components/ui/breakable";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { useNotify } from "@/components/ui/notices";
import { useDeleteObjects } from "@/lib/object-browser/object-queries";
import { countOf } from "@/lib/format-count";

const NAMES_SHOWN = 10;

interface DeleteObjectsDialogProps {
  bucket: string;
  /** The keys to delete; null when the dialog is closed. */
  keys: string[] | null;
  /** With the keys deleted, or null when cancelled. */
  onClose: (deleted: string[] | null) => void;
}

export function DeleteObjectsDialog({ bucket, keys, onClose }: DeleteObjectsDialogProps) {
  const remove = useDeleteObjects(bucket);
  const notify = useNotify();
  const count = keys?.length ?? 0;
  return (
    <ConfirmDialog
      open={keys !== null}
      title={count === 1 ? "Delete this object?" : `Delete ${count} objects?`}
      confirmLabel={count === 1 ? "Delete object" : `Delete ${count} objects`}
      mutation={remove}
      onCancel={() => onClose(null)}
      onConfirm={() =>
        remove.mutate(keys!, {
          onSuccess: ({ deleted, missing }) => {
            notify("success", `Deleted ${countOf(deleted.length, "object")}${missing.length > 0 ? `; ${missing.length} no longer existed` : ""}.`);
            remove.reset();
            onClose(deleted);
          },
        })
      }
    >
      <p>{count === 1 ? "This object is" : "These objects are"} deleted from {bucket} for good. A mirror back-to-origin rule may fetch a deleted key from its origin again on the next GET.</p>
      <ul className="mt-2 max-h-40 list-disc space-y-0.5 overflow-y-auto pl-5 font-mono text-xs">
        {keys?.slice(0, NAMES_SHOWN).map((key) => (
          <li key={key}>
            <Breakable text={key} />
          </li>
        ))}
      </ul>
      {count > NAMES_SHOWN && <p className="mt-1">…and {count - NAMES_SHOWN} more.</p>}
    </ConfirmDialog>
  );
}
