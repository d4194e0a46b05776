/**
 * Mirror rules of a bucket: list, read, create, replace, delete. Every write re-checks the whole
 * rule set inside one transaction, with the same pure checks the console runs as the user types.
 * Server only.
 */
import { ApiError, addFieldError, type FieldErrors } from "@/lib/api/api-error";
import type { ZoneType } from "@/lib/buckets/storage-class";
import { db } from "@/lib/db/client";
import type { Prisma } from "@/lib/generated/prisma/client";
import { MAX_RULES_PER_BUCKET } from "./limits";
import { toRuleColumns, toStoredRule } from "./rule-record";
import type { MirrorRule, StoredMirrorRule } from "./rule-schema";
import { checkRuleForBucket, conflictMessage, findConflictingRule, type BucketContext } from "./rule-set";

type Tx = Prisma.TransactionClient;

async function loadBucket(tx: Tx, bucketName: string) {
  const bucket = await tx.bucket.findUnique({ where: { name: bucketName } });
  if (!bucket) throw new ApiError("NoSuchBucket", `There is no bucket named ${bucketName}.`);
  return bucket;
}

async function loadRules(tx: Tx, bucketId: number): Promise<StoredMirrorRule[]> {
  const rows = await tx.mirrorRule.findMany({ where: { bucketId }, orderBy: { id: "asc" } });
  return rows.map(toStoredRule);
}

async function bucketContext(tx: Tx, bucket: { id: number; name: string; zoneType: string }): Promise<BucketContext> {
  const others = await tx.bucket.findMany({ where: { id: { not: bucket.id } }, select: { name: true } });
  return { bucketName: bucket.name, zoneType: bucket.zoneType as ZoneType, otherBucketNames: others.map((b) => b.name) };
}

/** Throws 422 for a rule that does not fit the bucket, 409 for one that overlaps another rule. */
function assertRuleFits(rule: MirrorRule, context: BucketContext, others: StoredMirrorRule[], ownId?: number): void {
  const problems = checkRuleForBucket(rule, context);
  if (problems.length > 0) {
    const fieldErrors: FieldErrors = {};
    for (const problem of problems) addFieldError(fieldErrors, problem.path, problem.message);
    throw new ApiError("ValidationFailed", "Some fields are invalid.", fieldErrors);
  }
  const conflict = findConflictingRule(rule, others, ownId);
  if (conflict) {
    const message = conflictMessage(conflict);
    throw new ApiError("RuleConflict", message, { conditionPrefix: [message], conditionSuffix: [message] });
  }
}

export async function listRules(bucketName: string): Promise<StoredMirrorRule[]> {
  return db().$transaction(async (tx) => loadRules(tx, (await loadBucket(tx, bucketName)).id));
}

function parseRuleId(id: string): number {
  const value = Number(id);
  if (!/^\d{1,9}$/.test(id) || value < 1) throw new ApiError("NoSuchRule", `There is no rule ${id}.`);
  return value;
}

export async function getRule(bucketName: string, id: string): Promise<StoredMirrorRule> {
  const ruleId = parseRuleId(id);
  return db().$transaction(async (tx) => {
    const bucket = await loadBucket(tx, bucketName);
    const row = await tx.mirrorRule.findFirst({ where: { id: ruleId, bucketId: bucket.id } });
    if (!row) throw new ApiError("NoSuchRule", `Bucket ${bucketName} has no rule #${id}.`);
    return toStoredRule(row);
  });
}

export async function createRule(bucketName: string, rule: MirrorRule): Promise<StoredMirrorRule> {
  return db().$transaction(async (tx) => {
    const bucket = await loadBucket(tx, bucketName);
    const rules = await loadRules(tx, bucket.id);
    if (rules.length >= MAX_RULES_PER_BUCKET) {
      throw new ApiError("TooManyRules", `A bucket has at most ${MAX_RULES_PER_BUCKET} mirror rules; ${bucketName} has ${rules.length}.`);
    }
    assertRuleFits(rule, await bucketContext(tx, bucket), rules);
    const row = await tx.mirrorRule.create({ data: { bucketId: bucket.id, ...toRuleColumns(rule) } });
    return toStoredRule(row);
  });
}

/** Replaces a rule if nobody changed it since `version` was read. */
export async function updateRule(bucketName: string, id: string, rule: MirrorRule, version: number): Promise<StoredMirrorRule> {
  const ruleId = parseRuleId(id);
  return db().$transaction(async (tx) => {
    const bucket = await loadBucket(tx, bucketName);
    const rules = await loadRules(tx, bucket.id);
    const current = rules.find((existing) => existing.id === ruleId);
    if (!current) throw new ApiError("NoSuchRule", `Bucket ${bucketName} has no rule #${id}.`);
    if (current.version !== version) {
      throw new ApiError(
        "StaleVersion",
        `Someone else changed rule #${id} after you opened it (you have version ${version}, the rule is at ${current.version}). Reload it and apply your changes again.`,
      );
    }
    assertRuleFits(rule, await bucketContext(tx, bucket), rules, ruleId);
    const row = await tx.mirrorRule.update({
      where: { id: ruleId },
      data: { ...toRuleColumns(rule), version: { increment: 1 } },
    });
    return toStoredRule(row);
  });
}

export async function deleteRule(bucketName: string, id: string): Promise<void> {
  const ruleId = parseRuleId(id);
  await db().$transaction(async (tx) => {
    const bucket = await loadBucket(tx, bucketName);
    const deleted = await tx.mirrorRule.deleteMany({ where: { id: ruleId, bucketId: bucket.id } });
    if (deleted.count === 0) throw new ApiError("NoSuchRule", `Bucket ${bucketName} has no rule #${id}.`);
  });
}
