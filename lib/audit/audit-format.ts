/**
 * An audit event's "what" in words for the console ("Rule #3 changed", "Access changed to public
 * read"), from its action, target and states. Pure; actions it does not know are shown as recorded,
 * so an event added by later code is never hidden.
 */
import type { AuditAction } from "./audit-actions";
import type { AuditEventView } from "./audit-log";

type Describer = (event: AuditEventView) => string;

const ruleLabel = (event: AuditEventView) => (event.target ? `Rule #${event.target}` : "A rule");
const count = (value: unknown) => (Array.isArray(value) ? value.length : 0);
/** A field of a recorded state (an object), or undefined. */
const field = (state: unknown, name: string): unknown => (state && typeof state === "object" && name in state ? (state as Record<string, unknown>)[name] : undefined);
const aclOf = (state: unknown) => {
  const acl = field(state, "acl");
  return acl === undefined ? null : String(acl);
};
const ACL_WORDS: Record<string, string> = { private: "private", "public-read": "public read" };
const objects = (n: number) => `${n.toLocaleString("en-US")} ${n === 1 ? "object" : "objects"}`;
const numberOf = (state: unknown, name: string) => {
  const value = field(state, name);
  return typeof value === "number" ? value : 0;
};
const keyOf = (event: AuditEventView) => (event.target ? `“${event.target}”` : "An object");

function emptied(event: AuditEventView): string {
  const deleted = objects(numberOf(event.after, "deleted"));
  const remaining = numberOf(event.after, "remaining");
  if (field(event.after, "state") === "completed" && remaining === 0) return `Bucket emptied: ${deleted} deleted`;
  return `Emptying stopped: ${deleted} deleted, ${objects(remaining)} left`;
}

function objectsDeleted(event: AuditEventView): string {
  const keys = field(event.before, "keys");
  if (Array.isArray(keys) && keys.length === 1) return `Object “${String(keys[0])}” deleted`;
  return `${objects(count(keys))} deleted`;
}

/** One wording per action the log records: the compiler checks that none is left out. */
const DESCRIBERS: Record<AuditAction, Describer> = {
  "bucket.create": () => "Bucket created",
  "bucket.delete": () => "Bucket deleted",
  "bucket.acl": (event) => {
    const acl = aclOf(event.after);
    return acl ? `Access changed to ${ACL_WORDS[acl] ?? acl}` : "Access changed";
  },
  "bucket.empty": (event) => `Emptying started: ${objects(numberOf(event.before, "objects"))} to delete`,
  "bucket.emptied": emptied,
  "rule.create": (event) => `${ruleLabel(event)} added`,
  "rule.update": (event) => `${ruleLabel(event)} changed`,
  "rule.delete": (event) => `${ruleLabel(event)} deleted`,
  "rule.enable": (event) => `${ruleLabel(event)} enabled`,
  "rule.disable": (event) => `${ruleLabel(event)} disabled`,
  "rules.replace": (event) => `All rules replaced (BOS JSON): ${count(event.before)} removed, ${count(event.after)} added`,
  "rules.deleteAll": (event) => `All rules deleted (BOS API): ${count(event.before)} removed`,
  "object.upload": (event) => `${keyOf(event)} ${event.before ? "replaced by an upload" : "uploaded"}`,
  "object.delete": objectsDeleted,
  "object.presign": (event) => `Presigned link to ${keyOf(event)} made`,
  "accessKey.create": (event) => `Access key ${event.target ?? ""} created`.replace("  ", " "),
  "accessKey.enable": (event) => `Access key ${event.target ?? ""} enabled`.replace("  ", " "),
  "accessKey.disable": (event) => `Access key ${event.target ?? ""} disabled`.replace("  ", " "),
  "accessKey.delete": (event) => `Access key ${event.target ?? ""} deleted`.replace("  ", " "),
};

const isKnown = (action: string): action is AuditAction => Object.hasOwn(DESCRIBERS, action);

export function describeAuditEvent(event: AuditEventView): string {
  if (isKnown(event.action)) return DESCRIBERS[event.action](event);
  return event.target ? `${event.action} ${event.target}` : event.action;
}

/** Who, in words: "admin@example.com", "access key AK…", "the system". */
export function describeAuditActor(actor: string): string {
  if (actor === "system") return "The system";
  if (actor.startsWith("user:")) return actor.slice("user:".length);
  if (actor.startsWith("key:")) return `Access key ${actor.slice("key:".length)}`;
  return actor;
}
