import { AuditLogView } from "@/components/audit/audit-log-view";

export default async function BucketAuditPage({ params }: { params: Promise<{ bucket: string }> }) {
  const { bucket } = await params;
  return <AuditLogView bucket={bucket} />;
}
