"use client";

import Link from "next/link";
import { Spinner } from "@/components/ui/spinner";
import { QueryError } from "@/components/ui/query-error";
import { TableHead } from "@/components/ui/table-head";
import { TableScroller } from "@/components/ui/table-scroller";
import { useBuckets } from "@/lib/buckets/bucket-queries";
import { STORAGE_CLASS_LABELS, ZONE_TYPE_LABELS } from "@/lib/buckets/storage-class";

export function BucketList() {
  const buckets = useBuckets();
  if (buckets.isPending) return <Spinner label="Loading buckets" />;
  if (buckets.isError) return <QueryError error={buckets.error} what="the buckets" onRetry={() => void buckets.refetch()} />;
  if (buckets.data.length === 0) {
    return (
      <p className="rounded-lg border border-dashed border-slate-300 bg-white p-8 text-center text-slate-600">
        No buckets yet. Create one above, then add mirror back-to-origin rules in its Configuration Management tab.
      </p>
    );
  }
  return (
    <TableScroller label="Buckets table">
    <table className="w-full rounded-lg border border-slate-200 bg-white text-sm">
      <TableHead caption="Buckets" columns={["Name", "Zone type", "Default storage class", "Mirror rules", "Objects", "Created"]} cellPadding="px-4 py-2" />
      <tbody>
        {buckets.data.map((bucket) => (
          <tr key={bucket.name} className="border-t border-slate-100">
            <td className="px-4 py-2">
              <Link href={`/buckets/${bucket.name}/configuration`} className="font-medium text-brand-700 hover:underline">
                {bucket.name}
              </Link>
            </td>
            <td className="px-4 py-2">{ZONE_TYPE_LABELS[bucket.zoneType]}</td>
            <td className="px-4 py-2">{STORAGE_CLASS_LABELS[bucket.defaultStorageClass]}</td>
            <td className="px-4 py-2">{bucket.ruleCount}</td>
            <td className="px-4 py-2">{bucket.objectCount}</td>
            <td className="px-4 py-2">{new Date(bucket.createdAt).toLocaleString()}</td>
          </tr>
        ))}
      </tbody>
    </table>
    </TableScroller>
  );
}
