"use client";

import Link from "next/link";
import { useParams } from "next/navigation";

/** ./not-found.tsx's message. A not-found file gets no props, so the bucket and the number are read from the URL. */
export function NoSuchRule() {
  const { bucket, id } = useParams<{ bucket: string; id: string }>();
  return (
    <div className="rounded-lg border border-slate-200 bg-white p-8 text-center">
      <h2 className="text-lg font-semibold">No such rule</h2>
      <p className="mt-2 text-slate-600">
        Bucket {bucket} has no mirror rule #{id}. It may have been deleted, or the address is mistyped.
      </p>
      <Link href={`/buckets/${bucket}/configuration`} className="mt-4 inline-block text-brand-700 underline">
        Back to the bucket&apos;s rules
      </Link>
    </div>
  );
}
