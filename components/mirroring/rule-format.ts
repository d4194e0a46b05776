/** How rule fields read in the console's tables and detail views. */
import { STORAGE_CLASS_LABELS } from "@/lib/buckets/storage-class";
import type { MirrorRule, Origin } from "@/lib/mirroring/rule-schema";
import { describeCondition } from "@/lib/mirroring/rule-set";

export const MODE_LABELS: Record<MirrorRule["mode"], string> = { fetch: "Mirror", redirect: "Redirection" };

export function formatOrigin(origin: Origin | null): string {
  if (!origin) return "None";
  return origin.type === "bucket" ? `Bucket ${origin.bucket} (read directly)` : `${origin.protocol}://${origin.host}`;
}

export function formatCondition(rule: Pick<MirrorRule, "conditionPrefix" | "conditionSuffix">): string {
  const condition = describeCondition(rule);
  return condition === "every key" ? "Every key (on 404)" : `${condition[0]!.toUpperCase()}${condition.slice(1)} (on 404)`;
}

export function formatRewrite(rule: Pick<MirrorRule, "prefixRewrite" | "conditionPrefix">): string {
  if (!rule.prefixRewrite) return "Keep the path";
  if (rule.prefixRewrite.action === "crop") return rule.conditionPrefix ? `Crop "${rule.conditionPrefix}"` : "Crop (no prefix condition)";
  return `Replace "${rule.conditionPrefix}" with "${rule.prefixRewrite.with}"`;
}

export const formatStorageClass = (storageClass: MirrorRule["storageClass"]) => STORAGE_CLASS_LABELS[storageClass];

/**
 * How the origin path is made, in a few words for the rules table: the rewrite, the address
 * prefix and suffix, or the fixed filename (which replaces all of them).
 */
export function formatPathHandling(rule: Pick<MirrorRule, "mode" | "prefixRewrite" | "conditionPrefix" | "fixedKey" | "addressPrefix" | "addressSuffix">): string {
  if (rule.mode === "redirect" && rule.fixedKey !== null) return `Fixed file "${rule.fixedKey}"`;
  const parts = [];
  if (rule.prefixRewrite) parts.push(formatRewrite(rule));
  if (rule.addressPrefix) parts.push(`address prefix "${rule.addressPrefix}"`);
  if (rule.addressSuffix) parts.push(`address suffix "${rule.addressSuffix}"`);
  if (parts.length === 0) return "Key as requested";
  const text = parts.join(", ");
  return `${text[0]!.toUpperCase()}${text.slice(1)}`;
}
