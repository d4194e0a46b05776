import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import type { ReactNode } from "react";
import { findBucketRecord } from "@/lib/buckets/bucket-service";
import { BucketTabs } from "./_components/bucket-tabs";

type Params = { params: Promise<{ bucket: string }> };

/** The app-wide suffix, written out in this segment's template (a template replaces its parent's, it does not nest). */
const APP = "BOS Mirror console";
const NO_SUCH_BUCKET = `No such bucket · ${APP}`;

/**
 * Each page of a bucket names itself first ("Objects · demo · BOS Mirror console", through the
 * template); the overview, which sets no title, takes the default ("demo · Buckets · BOS Mirror
 * console"). An unknown bucket is "No such bucket" whatever page was asked for: a template without
 * %s is used as it stands, so the pages' own titles (which still resolve) cannot show through.
 */
export async function generateMetadata({ params }: Params): Promise<Metadata> {
  const { bucket } = await params;
  if (!(await findBucketRecord(bucket))) return { title: { absolute: NO_SUCH_BUCKET, template: NO_SUCH_BUCKET } };
  return { title: { default: `${bucket} · Buckets`, template: `%s · ${bucket} · ${APP}` } };
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
