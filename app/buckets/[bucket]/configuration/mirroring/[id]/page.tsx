import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { MirrorRuleDetails } from "@/components/mirroring/mirror-rule-details";
import { findRule } from "./rule-lookup";

type Props = { params: Promise<{ bucket: string; id: string }> };

// "Mirror rule #2 · demo · BOS Mirror console": the bucket's layout adds the bucket and the app.
export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { bucket, id } = await params;
  const rule = await findRule(bucket, id);
  return { title: rule ? `Mirror rule #${rule.id}` : "No such rule" };
}

export default async function MirrorRulePage({ params }: Props) {
  const { bucket, id } = await params;
  const rule = await findRule(bucket, id);
  if (!rule) notFound();
  return <MirrorRuleDetails bucket={bucket} ruleId={rule.id} />;
}
