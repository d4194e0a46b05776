/**
 * Every action the audit log records. recordAudit takes only these, and the console's wording
 * (audit-format.ts) must say each in words: a new action that is not described fails to compile.
 */
export const AUDIT_ACTIONS = [
  "bucket.create",
  "bucket.delete",
  "bucket.acl",
  "bucket.empty",
  "bucket.emptied",
  "rule.create",
  "rule.update",
  "rule.delete",
  "rule.enable",
  "rule.disable",
  "rules.replace",
  "rules.deleteAll",
  "object.upload",
  "object.delete",
  "object.presign",
  "accessKey.create",
  "accessKey.enable",
  "accessKey.disable",
  "accessKey.delete",
] as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[number];
