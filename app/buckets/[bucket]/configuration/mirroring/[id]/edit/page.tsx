import { notFound } from "next/navigation";
import { MirrorRuleEditor } from "@/components/mirroring/mirror-rule-editor";

export default async function EditMirrorRulePage({ params }: { params: Promise<{ bucket: string; id: string }> }) {
  const { bucket, id } = await params;
  if (!/^\d+$/.test(id)) notFound();
  return <MirrorRuleEditor bucket={bucket} ruleId={Number(id)} />;
}
