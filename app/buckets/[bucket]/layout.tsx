import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import type { ReactNode } from "react";
import { findBucketRecord } from "@/lib/buckets/bucket-service";
import { BucketTabs } from "./_components/bucket-tabs";

type Params = { params: Promise<{ bucket: string }> };

export async function generateMetadata({ params }: Params): Promise<Metadata> {
  return { title: `${(await params).bucket} · Buckets` };
}

export default async function BucketLayout({ children, params }: Params & { children: ReactNode }) {
  const { bucket } = await params;
  // An unknown bucket gets a not-found page, not its tabs and a "Try again" that cannot help.
  if (!(await findBucketRecord(bucket))) notFound();
  return (
    <div className="space-y-4">
      <nav aria-label="Breadcrumb" className="text-sm text-slate-600">
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
