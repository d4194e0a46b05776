import { MigrationActivity } from "@/components/activity/migration-activity";
import { ImportJobsPanel } from "@/components/imports/import-jobs-panel";

/** The Migration tab: what back-to-origin has been doing (activity), then the import jobs that finish the migration. */
export default async function MigrationPage({ params }: { params: Promise<{ bucket: string }> }) {
  const { bucket } = await params;
  return (
    <div className="space-y-8">
      <MigrationActivity bucket={bucket} />
      <ImportJobsPanel bucket={bucket} />
    </div>
  );
}
