import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { MirrorRuleEditor } from "@/components/mirroring/mirror-rule-editor";
import { findRule } from "../rule-lookup";

type Props = { params: Promise<{ bucket: string; id: string }> };

// "Edit mirror rule #2 · demo · BOS Mirror console": the bucket's layout adds the bucket and the app.
export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { bucket, id } = await params;
  const rule = await findRule(bucket, id);
  return { title: rule ? `Edit mirror rule #${rule.id}` : "No such rule" };
}

export default async function EditMirrorRulePage({ params }: Props) {
  const { bucket, id } = await params;
  const rule = await findRule(bucket, id);
  // Answered by ../not-found.tsx, as for the rule's own page.
  if (!rule) notFound();
  return <MirrorRuleEditor bucket={bucket} ruleId={rule.id} />;
}
