"use client";

/**
 * A presigned link for one object: the user picks the access key that signs it, how long it lasts
 * (at most 7 days) and the signature (BOS or S3); the server signs it. The dialog says plainly what
 * the link grants and until when, and copies it.
 */
import { useId, useState } from "react";
import { Breakable } from "@/components/ui/breakable";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { Choice, Fieldset, inputClass } from "@/components/ui/field";
import { ApiRequestError } from "@/lib/api/api-client";
import { useAccessKeys } from "@/lib/auth/access-key-queries";
import { type LinkSignature, type PresignedLink } from "@/lib/object-browser/object-browser-schema";
import { usePresignLink } from "@/lib/object-browser/object-queries";

const EXPIRIES = [
  { seconds: 15 * 60, label: "15 minutes" },
  { seconds: 3600, label: "1 hour" },
  { seconds: 24 * 3600, label: "1 day" },
  { seconds: 7 * 24 * 3600, label: "7 days (the longest)" },
];

interface PresignDialogProps {
  bucket: string;
  /** The object to link to; null when the dialog is closed. */
  objectKey: string | null;
  onClose: () => void;
}

export function PresignDialog({ bucket, objectKey, onClose }: PresignDialogProps) {
  return (
    <Dialog open={objectKey !== null} title="Copy a link to this object" onClose={onClose} wide>
      {objectKey !== null && <PresignForm key={objectKey} bucket={bucket} objectKey={objectKey} onClose={onClose} />}
    </Dialog>
  );
}

function PresignForm({ bucket, objectKey, onClose }: { bucket: string; objectKey: string; onClose: () => void }) {
  const keys = useAccessKeys();
  const presign = usePresignLink(bucket);
  const enabledKeys = keys.data?.filter((key) => key.enabled) ?? [];
  const [accessKeyId, setAccessKeyId] = useState("");
  const [expiresInSeconds, setExpiresInSeconds] = useState(3600);
  const [signature, setSignature] = useState<LinkSignature>("bos");
  const [copied, setCopied] = useState<"copied" | "select" | null>(null);
  const keyFieldId = useId();
  const expiryFieldId = useId();
  const linkFieldId = useId();
  const chosenKey = accessKeyId || enabledKeys[0]?.accessKeyId || "";
  const link: PresignedLink | undefined = presign.data;

  if (link) {
    const copy = async () => {
      try {
        await navigator.clipboard.writeText(link.url);
        setCopied("copied");
      } catch {
        // No clipboard access (an insecure origin, or refused): the field is selected for Ctrl+C.
        (document.getElementById(linkFieldId) as HTMLTextAreaElement | null)?.select();
        setCopied("select");
      }
    };
    return (
      <div className="space-y-3">
        <p>
          Anyone who has this link can download <Breakable text={objectKey} className="font-mono" /> without signing in, until{" "}
          <strong>{new Date(link.expiresAt).toLocaleString()}</strong>. It stops working sooner if access key <span className="font-mono">{link.accessKeyId}</span> is disabled or
          deleted. It grants nothing else.
        </p>
        <div className="space-y-1">
          <label htmlFor={linkFieldId} className="block text-sm font-medium text-slate-800">
            Presigned link ({link.signature === "bos" ? "BOS" : "S3"} signature)
          </label>
          <textarea id={linkFieldId} readOnly rows={4} value={link.url} className={`${inputClass} font-mono text-xs wrap-break-word`} onFocus={(event) => event.target.select()} />
        </div>
        <p role="status" className="text-sm text-emerald-800">
          {copied === "copied" ? "Link copied to the clipboard." : copied === "select" ? "The browser does not allow copying here: the link is selected, press Ctrl+C (or ⌘C)." : ""}
        </p>
        <div className="flex justify-end gap-2">
          <Button variant="secondary" onClick={onClose}>
            Close
          </Button>
          <Button onClick={() => void copy()} autoFocus>
            Copy link
          </Button>
        </div>
      </div>
    );
  }

  return (
    <form
      className="space-y-4"
      onSubmit={(event) => {
        event.preventDefault();
        presign.mutate({ key: objectKey, accessKeyId: chosenKey, expiresInSeconds, signature });
      }}
    >
      <p>
        A link to <Breakable text={objectKey} className="font-mono" /> that anyone can use to download it, without signing in, until it expires. The server signs it with the
        secret of the access key you choose.
      </p>
      {keys.isError && <p role="alert" className="text-red-700">Could not load the access keys: {keys.error.message}</p>}
      {keys.isSuccess && enabledKeys.length === 0 && (
        <p role="alert" className="text-amber-800">
          There is no enabled access key to sign with. Create or enable one on the Access keys page.
        </p>
      )}
      <div className="space-y-1">
        <label htmlFor={keyFieldId} className="block text-sm font-medium text-slate-800">
          Access key that signs the link
        </label>
        <select id={keyFieldId} className={inputClass} value={chosenKey} onChange={(event) => setAccessKeyId(event.target.value)} disabled={enabledKeys.length === 0}>
          {enabledKeys.map((key) => (
            <option key={key.accessKeyId} value={key.accessKeyId}>
              {key.accessKeyId}
              {key.description ? ` (${key.description})` : ""}
            </option>
          ))}
        </select>
      </div>
      <div className="space-y-1">
        <label htmlFor={expiryFieldId} className="block text-sm font-medium text-slate-800">
          The link works for
        </label>
        <select id={expiryFieldId} className={inputClass} value={expiresInSeconds} onChange={(event) => setExpiresInSeconds(Number(event.target.value))}>
          {EXPIRIES.map((expiry) => (
            <option key={expiry.seconds} value={expiry.seconds}>
              {expiry.label}
            </option>
          ))}
        </select>
      </div>
      <Fieldset legend="Signature" help="Both work with any HTTP client; pick the one your tools expect.">
        <Choice type="radio" name="signature" label="BOS (bce-auth-v1)" checked={signature === "bos"} onChange={() => setSignature("bos")} />
        <Choice type="radio" name="signature" label="S3 (Signature V4)" checked={signature === "s3"} onChange={() => setSignature("s3")} />
      </Fieldset>
      {presign.error && (
        <p role="alert" className="rounded bg-red-50 p-2 text-red-700">
          {presign.error instanceof ApiRequestError && presign.error.fieldErrors ? Object.values(presign.error.fieldErrors).flat().join(" ") : presign.error.message}
        </p>
      )}
      <div className="flex justify-end gap-2">
        <Button variant="secondary" onClick={onClose} disabled={presign.isPending}>
          Cancel
        </Button>
        <Button type="submit" disabled={presign.isPending || !chosenKey}>
          {presign.isPending ? "Signing…" : "Create link"}
        </Button>
      </div>
    </form>
  );
}
