import { notFound } from "next/navigation";
import { MirrorRuleDetails } from "@/components/mirroring/mirror-rule-details";

export default async function MirrorRulePage({ params }: { params: Promise<{ bucket: string; id: string }> }) {
  const { bucket, id } = await params;
  if (!/^\d+$/.test(id)) notFound();
  return <MirrorRuleDetails bucket={bucket} ruleId={Number(id)} />;
}
