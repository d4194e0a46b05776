"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { useNotify } from "@/components/ui/notices";
import { QueryError } from "@/components/ui/query-error";
import { Spinner } from "@/components/ui/spinner";
import { useBucket, useDeleteBucket } from "@/lib/buckets/bucket-queries";
import { BucketAclSetting } from "./bucket-acl-setting";
import { STORAGE_CLASS_LABELS, ZONE_TYPE_LABELS } from "@/lib/buckets/storage-class";

export function BucketOverview({ bucket: name }: { bucket: string }) {
  const bucket = useBucket(name);
  const remove = useDeleteBucket();
  const router = useRouter();
  const notify = useNotify();
  const [confirming, setConfirming] = useState(false);

  if (bucket.isPending) return <Spinner label="Loading bucket" />;
  if (bucket.isError) return <QueryError error={bucket.error} what={`bucket ${name}`} onRetry={() => void bucket.refetch()} />;
  const { data } = bucket;
  const blocked = data.objectCount > 0 ? `The bucket holds ${data.objectCount} object(s); delete them first.` : null;

  return (
    <section aria-labelledby="overview-title" className="space-y-4 rounded-lg border border-slate-200 bg-white p-4">
      <h2 id="overview-title" className="font-medium">
        Bucket details
      </h2>
      <dl className="grid grid-cols-[max-content_1fr] gap-x-8 gap-y-2 text-sm">
        <dt className="text-slate-600">Zone type</dt>
        <dd>{ZONE_TYPE_LABELS[data.zoneType]}</dd>
        <dt className="text-slate-600">Default storage class</dt>
        <dd>{STORAGE_CLASS_LABELS[data.defaultStorageClass]}</dd>
        <dt className="text-slate-600">Objects</dt>
        <dd>{data.objectCount}</dd>
        <dt className="text-slate-600">Mirror back-to-origin rules</dt>
        <dd>{data.ruleCount}</dd>
        <dt className="text-slate-600">Created</dt>
        <dd>{new Date(data.createdAt).toLocaleString()}</dd>
      </dl>
      <BucketAclSetting bucket={name} acl={data.acl} />
      <div className="border-t border-slate-100 pt-4">
        <Button variant="danger" disabled={blocked !== null} aria-describedby={blocked ? "delete-blocked" : undefined} onClick={() => setConfirming(true)}>
          Delete bucket
        </Button>
        {blocked && (
          <p id="delete-blocked" className="mt-1 text-xs text-amber-700">
            {blocked}
          </p>
        )}
      </div>
      <ConfirmDialog
        open={confirming}
        title={`Delete bucket ${name}?`}
        confirmLabel="Delete bucket"
        mutation={remove}
        onCancel={() => setConfirming(false)}
        onConfirm={() =>
          remove.mutate(name, {
            onSuccess: () => {
              notify("success", `Bucket ${name} deleted.`);
              router.push("/buckets");
            },
          })
        }
      >
        The bucket and its {data.ruleCount} mirror back-to-origin rule(s) will be removed. This cannot be undone.
      </ConfirmDialog>
    </section>
  );
}
