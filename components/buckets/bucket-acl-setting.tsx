"use client";

import { useId } from "react";
import { inputClass } from "@/components/ui/field";
import { useNotify } from "@/components/ui/notices";
import { BUCKET_ACLS, BUCKET_ACL_LABELS, type BucketAcl } from "@/lib/buckets/bucket-acl";
import { useSetBucketAcl } from "@/lib/buckets/bucket-queries";

export function BucketAclSetting({ bucket, acl }: { bucket: string; acl: BucketAcl }) {
  const setAcl = useSetBucketAcl(bucket);
  const notify = useNotify();
  const id = useId();
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
        className={`${inputClass} max-w-md`}
        onChange={(event) =>
          setAcl.mutate(event.target.value as BucketAcl, { onSuccess: (saved) => notify("success", `${bucket} is now ${saved.acl}.`) })
        }
      >
        {BUCKET_ACLS.map((option) => (
          <option key={option} value={option}>
            {BUCKET_ACL_LABELS[option]}
          </option>
        ))}
      </select>
      <p id={`${id}-help`} className="text-xs text-slate-500">
        Public read lets anyone GET objects, and a GET of a missing object then triggers back-to-origin.
      </p>
      {setAcl.error && <p role="alert" className="text-xs text-red-700">{setAcl.error.message}</p>}
    </div>
  );
}
