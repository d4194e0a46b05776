/**
 * An audit event's "what" in words for the console ("Rule #3 updated", "Access changed to public
 * read"), from its action, target and states. Pure; actions it does not know are shown as recorded,
 * so an event added by later code is never hidden.
 */
import type { AuditEventView } from "./audit-log";

type Describer = (event: AuditEventView) => string;

const ruleLabel = (event: AuditEventView) => (event.target ? `Rule #${event.target}` : "A rule");
const count = (value: unknown) => (Array.isArray(value) ? value.length : 0);
const aclOf = (state: unknown) => (state && typeof state === "object" && "acl" in state ? String((state as { acl: unknown }).acl) : null);
const ACL_WORDS: Record<string, string> = { private: "private", "public-read": "public read" };

const DESCRIBERS: Record<string, Describer> = {
  "bucket.create": () => "Bucket created",
  "bucket.delete": () => "Bucket deleted",
  "bucket.acl": (event) => {
    const acl = aclOf(event.after);
    return acl ? `Access changed to ${ACL_WORDS[acl] ?? acl}` : "Access changed";
  },
  "rule.create": (event) => `${ruleLabel(event)} added`,
  "rule.update": (event) => `${ruleLabel(event)} changed`,
  "rule.delete": (event) => `${ruleLabel(event)} deleted`,
  "rule.enable": (event) => `${ruleLabel(event)} enabled`,
  "rule.disable": (event) => `${ruleLabel(event)} disabled`,
  "rules.replace": (event) => `All rules replaced (BOS JSON): ${count(event.before)} removed, ${count(event.after)} added`,
  "rules.deleteAll": (event) => `All rules deleted (BOS API): ${count(event.before)} removed`,
  "accessKey.create": (event) => `Access key ${event.target ?? ""} created`.replace("  ", " "),
  "accessKey.enable": (event) => `Access key ${event.target ?? ""} enabled`.replace("  ", " "),
  "accessKey.disable": (event) => `Access key ${event.target ?? ""} disabled`.replace("  ", " "),
  "accessKey.delete": (event) => `Access key ${event.target ?? ""} deleted`.replace("  ", " "),
};

export function describeAuditEvent(event: AuditEventView): string {
  const describe = DESCRIBERS[event.action];
  if (describe) return describe(event);
  return event.target ? `${event.action} ${event.target}` : event.action;
}

/** Who, in words: "admin@example.com", "access key AK…", "the system". */
export function describeAuditActor(actor: string): string {
  if (actor === "system") return "The system";
  if (actor.startsWith("user:")) return actor.slice("user:".length);
  if (actor.startsWith("key:")) return `Access key ${actor.slice("key:".length)}`;
  return actor;
}
