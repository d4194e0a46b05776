import type { Metadata } from "next";
import Link from "next/link";

// The bucket layout titles an unknown bucket's pages "No such bucket · BOS Mirror console" itself;
// this says the same wherever Next takes the title from the not-found files.
export const metadata: Metadata = { title: "No such bucket" };

/**
 * A bucket that does not exist (mistyped, or deleted in another tab): say so, with a way back.
 * It lives here, not under [bucket], because the bucket layout is what finds the bucket missing,
 * and a layout's notFound() is answered by its parent segment.
 */
export default function BucketNotFound() {
  return (
    <div className="rounded-lg border border-slate-200 bg-white p-8 text-center">
      <h1 className="text-lg font-semibold">No such bucket</h1>
      <p className="mt-2 text-slate-600">There is no bucket with this name. It may have been deleted, or the address is mistyped.</p>
      <Link href="/buckets" className="mt-4 inline-block text-brand-700 underline">
        Back to the bucket list
      </Link>
    </div>
  );
}
