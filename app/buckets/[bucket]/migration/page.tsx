import { ImportJobsPanel } from "@/components/imports/import-jobs-panel";

export default async function MigrationPage({ params }: { params: Promise<{ bucket: string }> }) {
  const { bucket } = await params;
  return <ImportJobsPanel bucket={bucket} />;
}
