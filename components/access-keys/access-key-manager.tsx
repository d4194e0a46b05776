"use client";

import { useEffect, useId, useRef, useState } from "react";
import { Button } from "@/components/ui/button";
import { CopyButton } from "@/components/ui/copy-button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { inputClass } from "@/components/ui/field";
import { useNotify } from "@/components/ui/notices";
import { QueryError } from "@/components/ui/query-error";
import { Spinner } from "@/components/ui/spinner";
import { TableHead } from "@/components/ui/table-head";
import { TableScroller } from "@/components/ui/table-scroller";
import { useAccessKeys, useCreateAccessKey, useDeleteAccessKey, useSetAccessKeyEnabled } from "@/lib/auth/access-key-queries";

export function AccessKeyManager() {
  const keys = useAccessKeys();
  const create = useCreateAccessKey();
  const setEnabled = useSetAccessKeyEnabled();
  const remove = useDeleteAccessKey();
  const notify = useNotify();
  const [description, setDescription] = useState("");
  const [created, setCreated] = useState<{ accessKeyId: string; secretKey: string } | null>(null);
  const [deleting, setDeleting] = useState<string | null>(null);
  const descriptionId = useId();
  // The one-time secret takes the focus when it appears: it must not be missed, and the copy
  // buttons are the next stops.
  const newKeyHeading = useRef<HTMLHeadingElement>(null);
  const descriptionInput = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (created) newKeyHeading.current?.focus();
  }, [created]);

  return (
    <div className="space-y-4">
      <form
        className="flex flex-wrap items-end gap-3 rounded-lg border border-slate-200 bg-white p-4"
        onSubmit={(event) => {
          event.preventDefault();
          create.mutate(description, {
            onSuccess: (key) => {
              setCreated(key);
              setDescription("");
            },
          });
        }}
      >
        <div className="min-w-64 flex-1 space-y-1">
          <label htmlFor={descriptionId} className="block text-sm font-medium">
            Description of the new key
          </label>
          <input ref={descriptionInput} id={descriptionId} value={description} maxLength={200} onChange={(event) => setDescription(event.target.value)} className={inputClass} placeholder="e.g. migration job" />
        </div>
        <Button type="submit" disabled={create.isPending}>
          {create.isPending ? "Creating…" : "Create access key"}
        </Button>
        {create.error && <p role="alert" className="w-full text-sm text-red-700">{create.error.message}</p>}
      </form>

      {created && (
        <section aria-labelledby="new-key-title" className="space-y-2 rounded-lg border border-amber-300 bg-amber-50 p-4 text-sm">
          <h2 id="new-key-title" ref={newKeyHeading} tabIndex={-1} className="font-medium focus:outline-none">
            New access key: copy the secret now
          </h2>
          <p>The secret key is shown only this once. Store it somewhere safe; if it is lost, create another key.</p>
          <dl className="grid gap-x-4 gap-y-1 font-mono sm:grid-cols-[max-content_1fr]">
            <dt className="font-sans text-slate-700">Access key</dt>
            <dd className="flex min-w-0 flex-wrap items-center gap-2 wrap-break-word">
              <span className="min-w-0 wrap-break-word">{created.accessKeyId}</span> <CopyButton value={created.accessKeyId} label="Copy the key ID" />
            </dd>
            <dt className="font-sans text-slate-700">Secret key</dt>
            <dd className="flex min-w-0 flex-wrap items-center gap-2 wrap-break-word">
              <span aria-label="Secret key" className="min-w-0 wrap-break-word">{created.secretKey}</span> <CopyButton value={created.secretKey} label="Copy the secret" />
            </dd>
          </dl>
          <Button
            variant="secondary"
            onClick={() => {
              setCreated(null);
              descriptionInput.current?.focus();
            }}
          >
            I have stored the secret
          </Button>
        </section>
      )}

      {keys.isPending && <Spinner label="Loading access keys" />}
      {keys.isError && <QueryError error={keys.error} what="the access keys" onRetry={() => void keys.refetch()} />}
      {keys.data && (
        <TableScroller label="Access keys table">
        <table className="w-full rounded-lg border border-slate-200 bg-white text-sm">
          <TableHead caption="Access keys" columns={["Access key", "Description", "Status", "Created", "Actions"]} cellPadding="px-4 py-2" />
          <tbody>
            {keys.data.map((key) => (
              <tr key={key.accessKeyId} className="border-t border-slate-100">
                <td className="px-4 py-2 font-mono">{key.accessKeyId}</td>
                <td className="px-4 py-2">{key.description || "—"}</td>
                <td className="px-4 py-2">{key.enabled ? "Enabled" : "Disabled"}</td>
                <td className="px-4 py-2">{new Date(key.createdAt).toLocaleString()}</td>
                <td className="px-4 py-2">
                  <div className="flex gap-3">
                    <Button
                      variant="link"
                      aria-label={`${key.enabled ? "Disable" : "Enable"} access key ${key.accessKeyId}`}
                      onClick={() =>
                        setEnabled.mutate(
                          { accessKeyId: key.accessKeyId, enabled: !key.enabled },
                          { onSuccess: () => notify("success", `Access key ${key.accessKeyId} ${key.enabled ? "disabled" : "enabled"}.`) },
                        )
                      }
                    >
                      {key.enabled ? "Disable" : "Enable"}
                    </Button>
                    <Button variant="danger-link" aria-label={`Delete access key ${key.accessKeyId}`} onClick={() => setDeleting(key.accessKeyId)}>
                      Delete
                    </Button>
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        </TableScroller>
      )}
      <ConfirmDialog
        open={deleting !== null}
        title="Delete this access key?"
        confirmLabel="Delete key"
        mutation={remove}
        onCancel={() => setDeleting(null)}
        onConfirm={() =>
          deleting &&
          remove.mutate(deleting, {
            onSuccess: () => {
              notify("success", `Access key ${deleting} deleted.`);
              setDeleting(null);
            },
          })
        }
      >
        Requests signed with {deleting} will be refused from now on. This cannot be undone.
      </ConfirmDialog>
    </div>
  );
}
