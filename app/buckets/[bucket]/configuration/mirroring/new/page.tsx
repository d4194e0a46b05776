import { MirrorRuleEditor } from "@/components/mirroring/mirror-rule-editor";

export default async function NewMirrorRulePage({ params }: { params: Promise<{ bucket: string }> }) {
  const { bucket } = await params;
  return <MirrorRuleEditor bucket={bucket} />;
}
