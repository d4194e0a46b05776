"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect } from "react";
import { ApiRequestError } from "@/lib/api/api-client";
import { Button } from "./button";

/**
 * The error state of a query: what failed, the request id to quote, and a retry. A bucket that no
 * longer exists (deleted here or elsewhere while its pages were cached, then reached by Back or a
 * tab) is not an error to retry: it says so, and asks the server to render the page again, which
 * answers with the bucket's not-found page.
 */
export function QueryError({ error, what, onRetry }: { error: Error; what: string; onRetry?: () => void }) {
  const router = useRouter();
  const gone = error instanceof ApiRequestError && error.code === "NoSuchBucket";
  useEffect(() => {
    if (gone) router.refresh();
  }, [gone, router]);
  if (gone) {
    return (
      <div role="alert" className="rounded-lg border border-slate-200 bg-white p-8 text-center">
        <p className="text-lg font-semibold">No such bucket</p>
        <p className="mt-2 text-slate-600">{error.message} It may have been deleted.</p>
        <Link href="/buckets" className="mt-4 inline-block text-brand-700 underline">
          Back to the bucket list
        </Link>
      </div>
    );
  }
  const requestId = error instanceof ApiRequestError ? error.requestId : undefined;
  return (
    <div role="alert" className="rounded-md border border-red-200 bg-red-50 p-4 text-sm text-red-800">
      <p className="font-medium">Could not load {what}.</p>
      <p className="mt-1">{error.message}</p>
      {/* red-700 on red-50 is about 5.9:1; red-600 was 4.4:1, under WCAG AA's 4.5:1 for text of this size. */}
      {requestId && <p className="mt-1 text-xs text-red-700">Request id: {requestId}</p>}
      {onRetry && (
        <Button variant="secondary" className="mt-3" onClick={onRetry}>
          Try again
        </Button>
      )}
    </div>
  );
}
