/** Maps MirrorRule rows (JSON text columns) to the rule model and back. Server only. */
import type { MirrorRule as MirrorRuleRow } from "@/lib/generated/prisma/client";
import { headerRulesSchema, originSchema, prefixRewriteSchema, type MirrorRule, type Origin, type StoredMirrorRule } from "./rule-schema";

export function parseOriginJson(text: string): Origin {
  return originSchema.parse(JSON.parse(text));
}

export function toStoredRule(row: MirrorRuleRow): StoredMirrorRule {
  return {
    id: row.number,
    enabled: row.enabled,
    mode: row.mode as MirrorRule["mode"],
    conditionPrefix: row.conditionPrefix,
    conditionSuffix: row.conditionSuffix,
    origin: parseOriginJson(row.origin),
    backupOrigin: row.backupOrigin ? parseOriginJson(row.backupOrigin) : null,
    prefixRewrite: row.prefixRewrite ? prefixRewriteSchema.parse(JSON.parse(row.prefixRewrite)) : null,
    fixedKey: row.fixedKey,
    addressPrefix: row.addressPrefix,
    addressSuffix: row.addressSuffix,
    passQueryString: row.passQueryString,
    storageClass: row.storageClass as MirrorRule["storageClass"],
    headers: headerRulesSchema.parse(JSON.parse(row.headers)),
    version: row.version,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export function toRuleColumns(rule: MirrorRule) {
  return {
    mode: rule.mode,
    conditionPrefix: rule.conditionPrefix,
    conditionSuffix: rule.conditionSuffix,
    origin: JSON.stringify(rule.origin),
    backupOrigin: rule.backupOrigin ? JSON.stringify(rule.backupOrigin) : null,
    prefixRewrite: rule.prefixRewrite ? JSON.stringify(rule.prefixRewrite) : null,
    fixedKey: rule.fixedKey,
    addressPrefix: rule.addressPrefix,
    addressSuffix: rule.addressSuffix,
    passQueryString: rule.passQueryString,
    storageClass: rule.storageClass,
    headers: JSON.stringify(rule.headers),
  };
}
