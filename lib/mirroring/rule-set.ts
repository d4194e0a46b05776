/**
 * Rules seen together: conflicts, which rule serves a key, whether another rule may be added,
 * and the checks that need the bucket's context. Pure; shared by the console and the server.
 */
import { isStorageClassAllowed, type ZoneType } from "@/lib/buckets/storage-class";
import { MAX_RULES_PER_BUCKET } from "./limits";
import { ruleMatchesKey } from "./origin-address";
import { mirrorRuleSchema, type MirrorRule } from "./rule-schema";

type Condition = Pick<MirrorRule, "conditionPrefix" | "conditionSuffix">;
type IdentifiedRule = Condition & { id: number };

/** Two conditions conflict when some key matches both (mirroring-semantics.md, "Limits"). */
export function conditionsOverlap(a: Condition, b: Condition): boolean {
  const prefixesNest = a.conditionPrefix.startsWith(b.conditionPrefix) || b.conditionPrefix.startsWith(a.conditionPrefix);
  const suffixesNest = a.conditionSuffix.endsWith(b.conditionSuffix) || b.conditionSuffix.endsWith(a.conditionSuffix);
  return prefixesNest && suffixesNest;
}

/** Every other rule whose condition overlaps `candidate`'s, in the rules' order. */
export function findConflictingRules<R extends IdentifiedRule>(candidate: Condition, rules: readonly R[], ownId?: number): R[] {
  return rules.filter((rule) => rule.id !== ownId && conditionsOverlap(candidate, rule));
}

/** The rule that serves `key`; conflicts are refused on save, so at most one matches. */
export function findMatchingRule<R extends Condition>(rules: readonly R[], key: string): R | null {
  return rules.find((rule) => ruleMatchesKey(rule, key)) ?? null;
}

export function isCatchAll(rule: Condition): boolean {
  return rule.conditionPrefix === "" && rule.conditionSuffix === "";
}

/** "prefix "abc", suffix ".jpg"" or "every key". */
export function describeCondition(rule: Condition): string {
  if (isCatchAll(rule)) return "every key";
  const parts = [];
  if (rule.conditionPrefix) parts.push(`prefix "${rule.conditionPrefix}"`);
  if (rule.conditionSuffix) parts.push(`suffix "${rule.conditionSuffix}"`);
  return parts.join(", ");
}

export function ruleLabel(rule: IdentifiedRule): string {
  return `Rule #${rule.id} (${describeCondition(rule)})`;
}

/** Names every overlapping rule, so the user can fix them all at once. */
export function conflictMessage(others: readonly IdentifiedRule[]): string {
  if (others.length === 1) return `This condition overlaps ${ruleLabel(others[0]!)}: one key could match both rules.`;
  const labels = others.map(ruleLabel);
  return `This condition overlaps ${labels.slice(0, -1).join(", ")} and ${labels[labels.length - 1]}: a key could match this rule and another.`;
}

/** Why no rule can be added to this bucket, or null when one can. Disabled rules count towards the limit only. */
export function addRuleBlocker(rules: readonly (Condition & { enabled?: boolean })[]): string | null {
  if (rules.length >= MAX_RULES_PER_BUCKET) {
    return `This bucket already has ${MAX_RULES_PER_BUCKET} rules, the most allowed. Delete one to add another.`;
  }
  if (rules.some((rule) => rule.enabled !== false && isCatchAll(rule))) {
    return "A rule for every key exists; it must be the only rule. Edit it to add a condition first.";
  }
  return null;
}

export interface BucketContext {
  bucketName: string;
  zoneType: ZoneType;
  /** Names of the other buckets of this deployment, which may serve as origins. */
  otherBucketNames: readonly string[];
}

export interface FieldProblem {
  path: string;
  message: string;
}

/** Checks that depend on the bucket the rule belongs to (not on other rules). */
export function checkRuleForBucket(rule: MirrorRule, context: BucketContext): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (!isStorageClassAllowed(context.zoneType, rule.storageClass)) {
    const zone = context.zoneType === "MULTI_AZ" ? "multi-AZ" : "single-AZ";
    problems.push({ path: "storageClass", message: `${rule.storageClass} is not available in a ${zone} bucket.` });
  }
  for (const [field, origin] of [["origin", rule.origin], ["backupOrigin", rule.backupOrigin]] as const) {
    if (origin?.type !== "bucket") continue;
    if (origin.bucket === context.bucketName) {
      problems.push({ path: `${field}.bucket`, message: "A bucket cannot be its own origin." });
    } else if (!context.otherBucketNames.includes(origin.bucket)) {
      problems.push({ path: `${field}.bucket`, message: `There is no bucket named ${origin.bucket}.` });
    }
  }
  return problems;
}

/**
 * The rule schema plus every check against the bucket and its other rules: what the console
 * form validates as the user types. The server runs the same checks (rule-service.ts), with
 * conflicts answered as 409 rather than 422.
 */
export function bucketRuleSchema(context: BucketContext, otherRules: readonly IdentifiedRule[], ownId?: number) {
  return mirrorRuleSchema.superRefine((rule, ctx) => {
    for (const problem of checkRuleForBucket(rule, context)) {
      ctx.addIssue({ code: "custom", path: problem.path.split("."), message: problem.message });
    }
    const conflicts = findConflictingRules(rule, otherRules, ownId);
    if (conflicts.length > 0) ctx.addIssue({ code: "custom", path: ["conditionPrefix"], message: conflictMessage(conflicts) });
  });
}
