"use client";

import { useId, useState } from "react";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { inputClass } from "@/components/ui/field";
import { useNotify } from "@/components/ui/notices";
import { BUCKET_ACLS, BUCKET_ACL_DESCRIPTIONS, BUCKET_ACL_LABELS, type BucketAcl } from "@/lib/buckets/bucket-acl";
import { useSetBucketAcl } from "@/lib/buckets/bucket-queries";
import type { BucketOriginLink } from "@/lib/buckets/bucket-service";

/**
 * The bucket's ACL. Making a bucket private applies at once; making it public asks first, saying
 * what becomes readable, because it exposes every object (and lets anyone trigger back-to-origin).
 */
export function BucketAclSetting({ bucket, acl, readsPrivate }: { bucket: string; acl: BucketAcl; readsPrivate: BucketOriginLink[] }) {
  const setAcl = useSetBucketAcl(bucket);
  const notify = useNotify();
  const id = useId();
  const [pending, setPending] = useState<BucketAcl | null>(null);
  const apply = (next: BucketAcl) =>
    setAcl.mutate(next, {
      onSuccess: (saved) => {
        setPending(null);
        notify("success", `${bucket} is now ${BUCKET_ACL_LABELS[saved.acl].toLowerCase()}.`);
      },
    });
  return (
    <div className="space-y-1">
      <label htmlFor={id} className="block text-sm font-medium">
        Access (ACL)
      </label>
      <select
        id={id}
        value={acl}
        disabled={setAcl.isPending}
        aria-describedby={`${id}-help`}
        className={`${inputClass} w-full max-w-xs`}
        onChange={(event) => {
          const next = event.target.value as BucketAcl;
          if (next === "public-read") setPending(next);
          else apply(next);
        }}
      >
        {BUCKET_ACLS.map((option) => (
          <option key={option} value={option}>
            {BUCKET_ACL_LABELS[option]}
          </option>
        ))}
      </select>
      <ul id={`${id}-help`} className="space-y-0.5 text-xs text-slate-700">
        {BUCKET_ACLS.map((option) => (
          <li key={option}>
            <span className="font-medium">{BUCKET_ACL_LABELS[option]}</span>: {BUCKET_ACL_DESCRIPTIONS[option]}
            {option === "public-read" && ", and a GET of a missing object then runs the mirror rules"}.
          </li>
        ))}
      </ul>
      {setAcl.error && !pending && <p role="alert" className="text-xs text-red-700">{setAcl.error.message}</p>}
      <ConfirmDialog
        open={pending !== null}
        title={`Make ${bucket} public?`}
        confirmLabel="Make public"
        mutation={setAcl}
        onConfirm={() => apply("public-read")}
        onCancel={() => setPending(null)}
      >
        <p>
          Anyone who knows an object&apos;s address will be able to read every object in <strong>{bucket}</strong> and list its keys, without
          signing in or signing requests.
        </p>
        <p className="mt-2">
          A request for a missing object will also run this bucket&apos;s mirror rules, so anyone can make the service fetch from your origins.
        </p>
        {readsPrivate.length > 0 && (
          <div className="mt-2 rounded-md border border-amber-300 bg-amber-50 p-2 text-amber-900">
            <p className="font-medium">Private buckets that become readable through {bucket}:</p>
            <ul className="mt-1 list-disc pl-5">
              {readsPrivate.map((link) => (
                <li key={`${link.rule}:${link.origin}`}>
                  <strong>{link.origin}</strong>, read by rule #{link.rule}: any of its objects can be fetched through {bucket}
                </li>
              ))}
            </ul>
          </div>
        )}
      </ConfirmDialog>
    </div>
  );
}
