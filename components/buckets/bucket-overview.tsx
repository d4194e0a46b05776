"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { Fragment, useState, type ReactNode } from "react";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { useNotify } from "@/components/ui/notices";
import { QueryError } from "@/components/ui/query-error";
import { Spinner } from "@/components/ui/spinner";
import { useBucket, useDeleteBucket } from "@/lib/buckets/bucket-queries";
import { useEmptyingJob } from "@/lib/object-browser/object-queries";
import { BucketAclSetting } from "./bucket-acl-setting";
import { EmptyBucketDialog, EmptyProgress } from "./empty-bucket-dialog";
import { STORAGE_CLASS_LABELS, ZONE_TYPE_LABELS } from "@/lib/buckets/storage-class";
import { countOf } from "@/lib/format-count";

export function BucketOverview({ bucket: name }: { bucket: string }) {
  const bucket = useBucket(name);
  const remove = useDeleteBucket();
  const router = useRouter();
  const notify = useNotify();
  const [confirming, setConfirming] = useState(false);
  const [emptying, setEmptying] = useState(false);
  const emptyJob = useEmptyingJob(name);

  if (bucket.isPending) return <Spinner label="Loading bucket" />;
  if (bucket.isError) return <QueryError error={bucket.error} what={`bucket ${name}`} onRetry={() => void bucket.refetch()} />;
  const { data } = bucket;
  const jobRunning = emptyJob.data?.state === "running";
  const readers = data.originOf;
  const blocked: ReactNode = jobRunning ? (
    "The bucket is being emptied; it can be deleted once that is done."
  ) : data.objectCount > 0 ? (
    `The bucket holds ${countOf(data.objectCount, "object")}: empty it first.`
  ) : readers.length > 0 ? (
    <>
      {readers.length === 1 ? "A rule of another bucket reads" : `${readers.length} rules of other buckets read`} this bucket as its origin; change{" "}
      {readers.length === 1 ? "it" : "them"} first:{" "}
      {readers.map((link, index) => (
        <Fragment key={`${link.bucket}#${link.rule}`}>
          {index > 0 && ", "}
          <Link href={`/buckets/${encodeURIComponent(link.bucket)}/configuration/mirroring/${link.rule}`} className="underline">
            rule #{link.rule} of {link.bucket}
          </Link>
        </Fragment>
      ))}
      .
    </>
  ) : null;

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
        <dd>{data.objectCount.toLocaleString("en-US")}</dd>
        <dt className="text-slate-600">Mirror back-to-origin rules</dt>
        <dd>{data.ruleCount}</dd>
        <dt className="text-slate-600">Created</dt>
        <dd>{new Date(data.createdAt).toLocaleString()}</dd>
      </dl>
      <BucketAclSetting bucket={name} acl={data.acl} readsPrivate={data.readsPrivate} />
      <div className="space-y-2 border-t border-slate-100 pt-4">
        <div className="flex flex-wrap gap-2">
          <Button variant="secondary" disabled={data.objectCount === 0 && !jobRunning} onClick={() => setEmptying(true)}>
            {jobRunning ? "Show emptying progress" : "Empty bucket"}
          </Button>
          <Button variant="danger" disabled={blocked !== null} aria-describedby={blocked !== null ? "delete-blocked" : undefined} onClick={() => setConfirming(true)}>
            Delete bucket
          </Button>
        </div>
        {blocked !== null && (
          <p id="delete-blocked" className="text-xs text-amber-800">
            {blocked}
          </p>
        )}
        {jobRunning && !emptying && emptyJob.data && <EmptyProgress job={emptyJob.data} />}
      </div>
      <EmptyBucketDialog bucket={name} objectCount={data.objectCount} open={emptying} onClose={() => setEmptying(false)} />
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
        The bucket and its {countOf(data.ruleCount, "mirror back-to-origin rule")} will be removed. This cannot be undone.
      </ConfirmDialog>
    </section>
  );
}
