import Link from "next/link";
import type { ReactNode } from "react";
import { BucketTabs } from "./_components/bucket-tabs";

export default async function BucketLayout({ children, params }: { children: ReactNode; params: Promise<{ bucket: string }> }) {
  const { bucket } = await params;
  return (
    <div className="space-y-4">
      <nav aria-label="Breadcrumb" className="text-sm text-slate-500">
        <Link href="/buckets" className="hover:underline">
          Buckets
        </Link>{" "}
        / <span className="text-slate-800">{bucket}</span>
      </nav>
      <h1 className="text-2xl font-semibold">{bucket}</h1>
      <BucketTabs bucket={bucket} />
      {children}
    </div>
  );
}
