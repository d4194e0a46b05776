import type { Metadata } from "next";
import Link from "next/link";

// "Not found · demo · BOS Mirror console" (the bucket layout's template).
export const metadata: Metadata = { title: "Not found" };

/**
 * Something a page of an existing bucket finds missing. A rule number the bucket does not have has
 * its own page (configuration/mirroring/[id]/not-found.tsx); an unknown bucket, app/buckets/not-found.tsx.
 */
export default function NotFoundInBucket() {
  return (
    <div className="rounded-lg border border-slate-200 bg-white p-8 text-center">
      <h2 className="text-lg font-semibold">Not found in this bucket</h2>
      <p className="mt-2 text-slate-600">There is nothing at this address in this bucket. It may have been deleted.</p>
      <Link href="." className="mt-4 inline-block text-brand-700 underline">
        Back to the bucket
      </Link>
    </div>
  );
}
