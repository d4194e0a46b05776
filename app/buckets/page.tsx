import type { Metadata } from "next";
import { BucketList } from "@/components/buckets/bucket-list";
import { CreateBucketForm } from "@/components/buckets/create-bucket-form";

export const metadata: Metadata = { title: "Buckets" };

export default function BucketsPage() {
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">Buckets</h1>
      <CreateBucketForm />
      <BucketList />
    </div>
  );
}
