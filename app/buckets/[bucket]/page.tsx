import { BucketOverview } from "@/components/buckets/bucket-overview";

// No title of its own: the bucket's layout gives the overview "demo · Buckets · BOS Mirror console".
export default async function BucketOverviewPage({ params }: { params: Promise<{ bucket: string }> }) {
  const { bucket } = await params;
  return <BucketOverview bucket={bucket} />;
}
