import type { Metadata } from "next";
import Link from "next/link";

// "Page not found · BOS Mirror console" (the root layout's template), for any address nothing answers.
export const metadata: Metadata = { title: "Page not found" };

export default function NotFound() {
  return (
    <div className="rounded-lg border border-slate-200 bg-white p-8 text-center">
      <h1 className="text-lg font-semibold">Page not found</h1>
      <p className="mt-2 text-slate-600">There is nothing at this address.</p>
      <Link href="/buckets" className="mt-4 inline-block text-brand-700 underline">
        Back to the bucket list
      </Link>
    </div>
  );
}
