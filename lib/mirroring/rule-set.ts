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

/** "A", "A and B", "A, B and C". */
function listOf(labels: readonly string[]): string {
  return labels.length <= 1 ? (labels[0] ?? "") : `${labels.slice(0, -1).join(", ")} and ${labels[labels.length - 1]}`;
}

/**
 * "A overlaps B and C: a key could match A and either of them": every rule named, the count in
 * the words (both rules, either of them, any of them). Only "any", never "all": two rules that
 * each overlap `subject` need not overlap each other. `self` is how the end of the sentence
 * names the subject again.
 */
function overlapSentence(subject: string, self: string, others: readonly string[]): string {
  const shared =
    others.length === 1
      ? "one key could match both rules"
      : `a key could match ${self} and ${others.length === 2 ? "either" : "any"} of them`;
  return `${subject} overlaps ${listOf(others)}: ${shared}.`;
}

/** Names every overlapping rule, so the user can fix them all at once. */
export function conflictMessage(others: readonly IdentifiedRule[]): string {
  return overlapSentence("This condition", "this rule", others.map(ruleLabel));
}

/** The same beside the condition it is about (the rule form's preview): "Overlaps Rule #1 (…): …". */
export function conflictSummary(others: readonly IdentifiedRule[]): string {
  const sentence = overlapSentence("", "this rule", others.map(ruleLabel)).trimStart();
  return sentence[0]!.toUpperCase() + sentence.slice(1);
}

/** A rule of a list that is not stored yet (a BOS JSON import), named by its place in the list: "rule 2 (prefix "ab")". */
export function positionLabel(position: number, rule: Condition): string {
  return `rule ${position} (${describeCondition(rule)})`;
}

export interface ListConflict {
  /** The first rule of the list that overlaps an earlier one, numbered from 1 as the list is. */
  position: number;
  /** Every earlier rule it overlaps, numbered from 1. */
  overlaps: number[];
  message: string;
}

/**
 * The first rule of a list (a BOS JSON import, which replaces every rule) that overlaps rules
 * before it, with all of them named by position: what the import's preview shows and what the
 * server answers, from this one function.
 */
export function findListConflict(rules: readonly Condition[]): ListConflict | null {
  for (const [index, rule] of rules.entries()) {
    const overlaps = rules.slice(0, index).flatMap((other, otherIndex) => (conditionsOverlap(rule, other) ? [otherIndex + 1] : []));
    if (overlaps.length === 0) continue;
    const position = index + 1;
    const subject = positionLabel(position, rule);
    const message = overlapSentence(
      subject[0]!.toUpperCase() + subject.slice(1),
      `rule ${position}`,
      overlaps.map((other) => positionLabel(other, rules[other - 1]!)),
    );
    return { position, overlaps, message };
  }
  return null;
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
