import { BucketOverview } from "@/components/buckets/bucket-overview";

export default async function BucketOverviewPage({ params }: { params: Promise<{ bucket: string }> }) {
  const { bucket } = await params;
  return <BucketOverview bucket={bucket} />;
}
