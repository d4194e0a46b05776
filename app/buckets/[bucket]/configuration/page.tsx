import { MirrorRulesPanel } from "@/components/mirroring/mirror-rules-panel";

export default async function ConfigurationPage({ params }: { params: Promise<{ bucket: string }> }) {
  const { bucket } = await params;
  return <MirrorRulesPanel bucket={bucket} />;
}
