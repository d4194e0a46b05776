import type { Metadata } from "next";
import { MirrorRulesPanel } from "@/components/mirroring/mirror-rules-panel";

// "Mirror rules · demo · BOS Mirror console": the bucket's layout adds the bucket and the app.
export const metadata: Metadata = { title: "Mirror rules" };

export default async function ConfigurationPage({ params }: { params: Promise<{ bucket: string }> }) {
  const { bucket } = await params;
  return <MirrorRulesPanel bucket={bucket} />;
}
