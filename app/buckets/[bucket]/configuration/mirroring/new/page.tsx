import type { Metadata } from "next";
import { MirrorRuleEditor } from "@/components/mirroring/mirror-rule-editor";

// "New mirror rule · demo · BOS Mirror console": the bucket's layout adds the bucket and the app.
export const metadata: Metadata = { title: "New mirror rule" };

export default async function NewMirrorRulePage({ params }: { params: Promise<{ bucket: string }> }) {
  const { bucket } = await params;
  return <MirrorRuleEditor bucket={bucket} />;
}
