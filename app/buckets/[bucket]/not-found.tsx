import Link from "next/link";

/** Something inside an existing bucket that does not exist (a rule id that never was). */
export default function NotFoundInBucket() {
  return (
    <div className="rounded-lg border border-slate-200 bg-white p-8 text-center">
      <h2 className="text-lg font-semibold">Not found in this bucket</h2>
      <p className="mt-2 text-slate-600">There is no such rule or page. It may have been deleted.</p>
      <Link href="." className="mt-4 inline-block text-brand-700 underline">
        Back to the bucket
      </Link>
    </div>
  );
}
