import type { Metadata } from "next";
import { AuditLogView } from "@/components/audit/audit-log-view";

// "Audit log · demo · BOS Mirror console": the bucket's layout adds the bucket and the app.
export const metadata: Metadata = { title: "Audit log" };

export default async function BucketAuditPage({ params }: { params: Promise<{ bucket: string }> }) {
  const { bucket } = await params;
  return <AuditLogView bucket={bucket} />;
}
