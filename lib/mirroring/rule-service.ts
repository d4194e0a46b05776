/**
 * Mirror rules of a bucket: list, read, create, replace, delete. Every write re-checks the whole
 * rule set inside one transaction, with the same pure checks the console runs as the user types.
 * Writes run SERIALIZABLE (lib/db/transactions.ts): the conflict check, the rule limit and the
 * version check are decided on the rules read, and two concurrent saves (on PostgreSQL, where
 * they can interleave) must not both pass against the same set. Server only.
 */
import { directSql } from "@/lib/db/direct-sql";
import { serializable } from "@/lib/db/transactions";
import { recordAudit, type AuditContext } from "@/lib/audit/audit-log";
import type { StorageClass, ZoneType } from "@/lib/buckets/storage-class";
import { db } from "@/lib/db/client";
import { recordCacheChanges } from "@/lib/fleet/cache-changes";
import { InvalidInput, NoSuchBucket, NoSuchRule, RuleConflict, StaleVersion, TooManyRules, type FieldErrors } from "@/lib/domain/errors";
import { env } from "@/lib/env";
import { currentApp } from "@/lib/runtime/current-app";
import { OriginAllowlist, originHostRefusal } from "@/lib/origin/ssrf-guard";
import { toBosRule, type BosMirrorRule } from "./bos-json";
import { parseOriginHost } from "./origin-host";
import type { Prisma } from "@/lib/generated/prisma/client";
import { MAX_RULES_PER_BUCKET } from "./limits";
import { toRuleColumns, toStoredRule } from "./rule-record";
import type { MirrorRule, MirrorRuleRequest, StoredMirrorRule } from "./rule-schema";
import { checkRuleForBucket, conflictMessage, findConflictingRules, findListConflict, type BucketContext } from "./rule-set";

type Tx = Prisma.TransactionClient;

async function loadBucket(tx: Tx, bucketName: string) {
  const bucket = await tx.bucket.findUnique({ where: { name: bucketName } });
  if (!bucket) throw new NoSuchBucket(bucketName);
  return bucket;
}

async function loadRules(tx: Tx, bucketId: number): Promise<StoredMirrorRule[]> {
  const rows = await tx.mirrorRule.findMany({ where: { bucketId }, orderBy: { number: "asc" } });
  return rows.map(toStoredRule);
}

/** Only enabled rules take part in conflicts: a disabled rule is checked again when enabled. */
const inForce = (rules: readonly StoredMirrorRule[]) => rules.filter((rule) => rule.enabled);

/** The next rule number of the bucket; numbers are never reused (Bucket.lastRuleNumber). */
async function takeRuleNumbers(tx: Tx, bucketId: number, count: number): Promise<number> {
  const { lastRuleNumber } = await tx.bucket.update({ where: { id: bucketId }, data: { lastRuleNumber: { increment: count } } });
  return lastRuleNumber - count + 1;
}

async function findRuleRow(tx: Tx, bucketName: string, bucketId: number, id: string) {
  const row = await tx.mirrorRule.findUnique({ where: { bucketId_number: { bucketId, number: parseRuleId(bucketName, id) } } });
  if (!row) throw new NoSuchRule(bucketName, id);
  return row;
}

/** A rule without a storage class takes the bucket's default class, as in BOS. */
function withStorageClass(rule: MirrorRuleRequest, bucket: { defaultStorageClass: string }): MirrorRule {
  return { ...rule, storageClass: rule.storageClass ?? (bucket.defaultStorageClass as StorageClass) };
}

async function bucketContext(tx: Tx, bucket: { id: number; name: string; zoneType: string }): Promise<BucketContext> {
  const others = await tx.bucket.findMany({ where: { id: { not: bucket.id } }, select: { name: true } });
  return { bucketName: bucket.name, zoneType: bucket.zoneType as ZoneType, otherBucketNames: others.map((b) => b.name) };
}

/** Each bucket's enabled rules, cached per process: every miss reads them (lib/objects/ttl-cache.ts). */
const ruleCache = () => currentApp().caches.mirrorRules;

/**
 * A transaction that changes a bucket's rules. Whatever this instance's engine learned under the
 * old rules (remembered origin 404s) goes at once; other instances' entries are tied to the rule's
 * id, version and addresses, so the new rules cannot match them (a rule disabled and enabled again
 * may meet its own entries, for at most NEGATIVE_CACHE_TTL_MS). The cached rules are forgotten here
 * once the change is committed (the next miss reads the new ones), and on other instances at their
 * next poll of the change log (written in the change's transaction; lib/fleet/cache-sync.ts).
 */
async function changingRules<T>(work: (tx: Tx, changed: (bucketId: number) => Promise<void>) => Promise<T>): Promise<T> {
  const changed = new Set<number>();
  // SERIALIZABLE: a change checks the rules it read (conflicts, numbering, the version) and must be
  // made on exactly those (lib/db/transactions.ts); a retry runs `work` again, `changed` is a set.
  const result = await serializable(db(), (tx) =>
    work(tx, async (bucketId) => {
      changed.add(bucketId);
      await recordCacheChanges(directSql(db()).within(tx), [{ scope: "rules", bucketId }]);
      currentApp().engine.rulesChanged(bucketId);
    }),
  );
  for (const bucketId of changed) ruleCache().forget(bucketId);
  return result;
}

let allowlist: OriginAllowlist | undefined;

const LOOPBACK_NAMES = /^(localhost|.*\.localhost|127(\.\d{1,3}){3}|::1|::ffff:127(\.\d{1,3}){3}|0\.0\.0\.0)$/;

/**
 * An origin that is this service itself would send every miss back here. Known at save time when
 * the host is OBJECT_HOST (or one of its bucket subdomains) or a loopback address on our own port;
 * anything else (a proxy in front of us) is caught at fetch time by the hop marker.
 */
function selfOriginRefusal(protocol: "http" | "https", host: string): string | null {
  const parsed = parseOriginHost(host);
  if (!parsed.ok) return null;
  const { hostname } = parsed.host;
  const port = parsed.host.port ?? (protocol === "https" ? 443 : 80);
  const { objectHost, port: ownPort } = env();
  const name = hostname.toLowerCase();
  const isSelf = (objectHost && (name === objectHost || name.endsWith(`.${objectHost}`))) || (LOOPBACK_NAMES.test(name) && port === ownPort);
  return isSelf ? `${host} is this service's own address; a rule whose origin is this service would loop` : null;
}

/** Private, loopback and metadata origins are refused unless ORIGIN_ALLOWLIST names them. */
async function originProblems(rule: MirrorRule): Promise<{ path: string; message: string }[]> {
  allowlist ??= new OriginAllowlist(env().originAllowlist);
  const problems = [];
  for (const [field, origin] of [["origin", rule.origin], ["backupOrigin", rule.backupOrigin]] as const) {
    if (origin?.type !== "url") continue;
    const refusal = selfOriginRefusal(origin.protocol, origin.host) ?? (await originHostRefusal(allowlist, origin.host));
    if (refusal) problems.push({ path: `${field}.host`, message: `${refusal[0]!.toUpperCase()}${refusal.slice(1)}.` });
  }
  return problems;
}

/** Throws 422 for a rule that does not fit the bucket, 409 for one that overlaps another rule. */
async function assertRuleFits(rule: MirrorRule, context: BucketContext, others: StoredMirrorRule[], ownId?: number): Promise<void> {
  const problems = [...checkRuleForBucket(rule, context), ...(await originProblems(rule))];
  if (problems.length > 0) {
    const fieldErrors: FieldErrors = {};
    for (const problem of problems) (fieldErrors[problem.path] ??= []).push(problem.message);
    throw new InvalidInput(fieldErrors);
  }
  const conflicts = findConflictingRules(rule, others, ownId);
  if (conflicts.length > 0) {
    const message = conflictMessage(conflicts);
    throw new RuleConflict(conflicts.map((conflict) => conflict.id), message, { conditionPrefix: [message], conditionSuffix: [message] });
  }
}

/** Every rule of the bucket, disabled ones included, in number order. */
/**
 * The rule the console wants to try against its origin (saved or still in the form), with every
 * check a save runs except conflicts: 422 for an origin that would be refused on save.
 */
export async function ruleToProbe(bucketName: string, request: MirrorRuleRequest): Promise<MirrorRule> {
  return db().$transaction(async (tx) => {
    const bucket = await loadBucket(tx, bucketName);
    const rule = withStorageClass(request, bucket);
    await assertRuleFits(rule, await bucketContext(tx, bucket), []);
    return rule;
  });
}

export async function listRules(bucketName: string): Promise<StoredMirrorRule[]> {
  return db().$transaction(async (tx) => loadRules(tx, (await loadBucket(tx, bucketName)).id));
}

function parseRuleId(bucketName: string, id: string): number {
  const value = Number(id);
  if (!/^\d{1,9}$/.test(id) || value < 1) throw new NoSuchRule(bucketName, id);
  return value;
}

export async function getRule(bucketName: string, id: string): Promise<StoredMirrorRule> {
  return db().$transaction(async (tx) => toStoredRule(await findRuleRow(tx, bucketName, (await loadBucket(tx, bucketName)).id, id)));
}

export async function createRule(bucketName: string, request: MirrorRuleRequest, audit: AuditContext): Promise<StoredMirrorRule> {
  return changingRules(async (tx, rulesChanged) => {
    const bucket = await loadBucket(tx, bucketName);
    const rule = withStorageClass(request, bucket);
    const rules = await loadRules(tx, bucket.id);
    if (rules.length >= MAX_RULES_PER_BUCKET) {
      throw new TooManyRules(`A bucket has at most ${MAX_RULES_PER_BUCKET} mirror rules; ${bucketName} has ${rules.length}.`);
    }
    await assertRuleFits(rule, await bucketContext(tx, bucket), inForce(rules));
    const number = await takeRuleNumbers(tx, bucket.id, 1);
    const stored = toStoredRule(await tx.mirrorRule.create({ data: { bucketId: bucket.id, number, ...toRuleColumns(rule) } }));
    await recordAudit(tx, audit, { action: "rule.create", bucket: bucketName, target: stored.id, after: stored });
    await rulesChanged(bucket.id);
    return stored;
  });
}

/**
 * Replaces a rule if nobody changed it since `version` was read. A disabled rule is not checked
 * for conflicts until it is enabled again.
 */
export async function updateRule(bucketName: string, id: string, request: MirrorRuleRequest, version: number, audit: AuditContext): Promise<StoredMirrorRule> {
  return changingRules(async (tx, rulesChanged) => {
    const bucket = await loadBucket(tx, bucketName);
    const rule = withStorageClass(request, bucket);
    const row = await findRuleRow(tx, bucketName, bucket.id, id);
    const current = toStoredRule(row);
    if (current.version !== version) {
      throw new StaleVersion(id, version, current.version);
    }
    const others = current.enabled ? inForce(await loadRules(tx, bucket.id)) : [];
    await assertRuleFits(rule, await bucketContext(tx, bucket), others, current.id);
    const stored = toStoredRule(
      await tx.mirrorRule.update({ where: { id: row.id }, data: { ...toRuleColumns(rule), version: { increment: 1 } } }),
    );
    await recordAudit(tx, audit, { action: "rule.update", bucket: bucketName, target: stored.id, before: current, after: stored });
    await rulesChanged(bucket.id);
    return stored;
  });
}

/**
 * Enables or disables a rule; it keeps its number, place and settings. Enabling checks the rule
 * against the rules in force again (409 RuleConflict when one was added meanwhile that overlaps).
 */
export async function setRuleEnabled(bucketName: string, id: string, enabled: boolean, audit: AuditContext): Promise<StoredMirrorRule> {
  return changingRules(async (tx, rulesChanged) => {
    const bucket = await loadBucket(tx, bucketName);
    const row = await findRuleRow(tx, bucketName, bucket.id, id);
    const current = toStoredRule(row);
    if (current.enabled === enabled) return current;
    if (enabled) await assertRuleFits(current, await bucketContext(tx, bucket), inForce(await loadRules(tx, bucket.id)), current.id);
    const stored = toStoredRule(await tx.mirrorRule.update({ where: { id: row.id }, data: { enabled } }));
    await recordAudit(tx, audit, {
      action: enabled ? "rule.enable" : "rule.disable",
      bucket: bucketName,
      target: stored.id,
      before: { enabled: current.enabled },
      after: { enabled },
    });
    await rulesChanged(bucket.id);
    return stored;
  });
}

export async function deleteRule(bucketName: string, id: string, audit: AuditContext): Promise<void> {
  await changingRules(async (tx, rulesChanged) => {
    const bucket = await loadBucket(tx, bucketName);
    const row = await findRuleRow(tx, bucketName, bucket.id, id);
    await tx.mirrorRule.delete({ where: { id: row.id } });
    await recordAudit(tx, audit, { action: "rule.delete", bucket: bucketName, target: row.number, before: toStoredRule(row) });
    await rulesChanged(bucket.id);
  });
}

/** The rules the engine consults on a miss, in number order: enabled rules only. */
export async function listRulesForBucketId(bucketId: number): Promise<StoredMirrorRule[]> {
  const cache = ruleCache();
  const cached = cache.get(bucketId);
  if (cached) return cached;
  const generation = cache.generation;
  const rows = await db().mirrorRule.findMany({ where: { bucketId, enabled: true }, orderBy: { number: "asc" } });
  // Shared by every miss until the next change: frozen, so no caller can alter another's rules.
  const rules = Object.freeze(rows.map((row) => Object.freeze(toStoredRule(row)))) as StoredMirrorRule[];
  cache.set(bucketId, rules, generation);
  return rules;
}

/**
 * Replaces every rule of a bucket (BOS `PUT ?mirroring`): the whole set is checked against every
 * limit first, then swapped in one transaction. Problems name the rule by its position.
 */
export async function replaceRules(bucketName: string, rules: MirrorRule[], audit: AuditContext): Promise<StoredMirrorRule[]> {
  return changingRules(async (tx, rulesChanged) => {
    const bucket = await loadBucket(tx, bucketName);
    if (rules.length > MAX_RULES_PER_BUCKET) {
      throw new TooManyRules(`A bucket has at most ${MAX_RULES_PER_BUCKET} mirror rules; the request has ${rules.length}.`);
    }
    const context = await bucketContext(tx, bucket);
    for (const [index, rule] of rules.entries()) {
      try {
        // Conflicts within the list are checked below, by position; there are no other rules.
        await assertRuleFits(rule, context, []);
      } catch (error) {
        if (!(error instanceof InvalidInput)) throw error;
        const fields = Object.entries(error.fieldErrors).map(([path, messages]) => `${path}: ${messages.join(" ")}`);
        throw new InvalidInput(error.fieldErrors, `Rule ${index + 1}: ${fields.join("; ")}`);
      }
      // The rules are not stored yet: they are named by their place in the list, from 1, as the
      // console's import preview names them (the same function).
      const conflict = findListConflict(rules.slice(0, index + 1));
      if (conflict) {
        throw new RuleConflict(conflict.overlaps, conflict.message, { conditionPrefix: [conflict.message], conditionSuffix: [conflict.message] });
      }
    }
    const before = await loadRules(tx, bucket.id);
    await tx.mirrorRule.deleteMany({ where: { bucketId: bucket.id } });
    // The new rules continue the bucket's numbering: an old number never names a different rule.
    const first = await takeRuleNumbers(tx, bucket.id, rules.length);
    const created = [];
    for (const [index, rule] of rules.entries()) {
      created.push(toStoredRule(await tx.mirrorRule.create({ data: { bucketId: bucket.id, number: first + index, ...toRuleColumns(rule) } })));
    }
    await recordAudit(tx, audit, { action: "rules.replace", bucket: bucketName, before, after: created });
    await rulesChanged(bucket.id);
    return created;
  });
}

/**
 * The bucket's rules in BOS's JSON (`GET ?mirroring`, the console's export). BOS has no disabled
 * rules, so the configuration lists the rules in force: BOS (or a BOS client) given it does what
 * this bucket does. Putting it back replaces every rule, disabled ones too.
 */
export async function bosConfigurationOf(bucketName: string): Promise<{ bucketMirroringConfiguration: BosMirrorRule[] }> {
  const rules = await listRules(bucketName);
  return { bucketMirroringConfiguration: rules.filter((rule) => rule.enabled).map(toBosRule) };
}

export async function deleteAllRules(bucketName: string, audit: AuditContext): Promise<void> {
  await changingRules(async (tx, rulesChanged) => {
    const bucket = await loadBucket(tx, bucketName);
    const before = await loadRules(tx, bucket.id);
    await tx.mirrorRule.deleteMany({ where: { bucketId: bucket.id } });
    await recordAudit(tx, audit, { action: "rules.deleteAll", bucket: bucketName, before });
    await rulesChanged(bucket.id);
  });
}
