import type { Metadata } from "next";
import { MigrationActivity } from "@/components/activity/migration-activity";
import { ImportJobsPanel } from "@/components/imports/import-jobs-panel";

// "Migration · demo · BOS Mirror console": the bucket's layout adds the bucket and the app.
export const metadata: Metadata = { title: "Migration" };

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
