import { MigrationActivity } from "@/components/activity/migration-activity";

export default async function MigrationPage({ params }: { params: Promise<{ bucket: string }> }) {
  const { bucket } = await params;
  return <MigrationActivity bucket={bucket} />;
}
