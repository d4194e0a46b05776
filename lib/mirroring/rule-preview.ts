/**
 * What the console shows beside the rule form, recomputed on every keystroke from the form's
 * current (possibly incomplete) values. No I/O: it reuses the address, conflict and header rules.
 */
import { describeHeaderForwarding } from "./origin-headers";
import { computeOriginAddress, formatOriginTarget, forwardableQuery, ruleMatchesKey } from "./origin-address";
import { splitHeaderNames, type MirrorRule, type MirrorRuleInput, type Origin } from "./rule-schema";
import { findConflictingRules, ruleLabel } from "./rule-set";

type Condition = Pick<MirrorRule, "conditionPrefix" | "conditionSuffix"> & { id: number };

export interface RulePreview {
  matches: boolean;
  /** Why the sample key does not match the rule's condition. */
  mismatch: string | null;
  primary: string | null;
  backup: string | null;
  storedKey: string | null;
  /** The sample key matches but is never sent to an origin (a dot segment), and why. */
  refusal: string | null;
  redirect: boolean;
  query: string;
  headers: string;
  conflict: string | null;
}

/** A key that matches the condition, like the seed's examples ("abc/myobject.docx"). */
export function defaultSampleKey(conditionPrefix = "", conditionSuffix = ""): string {
  const folder = conditionPrefix === "" || conditionPrefix.endsWith("/") ? conditionPrefix : `${conditionPrefix}/`;
  return `${folder}myobject${conditionSuffix || ".docx"}`;
}

const names = (value: unknown): string[] => {
  const list = splitHeaderNames(value);
  return Array.isArray(list) ? list.filter((item): item is string => typeof item === "string") : [];
};

function draftOrigin(origin: MirrorRuleInput["origin"] | null | undefined): Origin | null {
  if (!origin) return null;
  if (origin.type === "bucket") return { type: "bucket", bucket: origin.bucket || "{bucket}" };
  return { type: "url", protocol: origin.protocol ?? "http", host: origin.host || "{domain}" };
}

/** Reads the form's values leniently: a half-typed rule still has an address to show. */
export function draftToRule(draft: Partial<MirrorRuleInput>): MirrorRule {
  const mode = draft.mode ?? "fetch";
  const rewrite = draft.prefixRewrite ?? null;
  return {
    mode,
    conditionPrefix: draft.conditionPrefix ?? "",
    conditionSuffix: draft.conditionSuffix ?? "",
    origin: draftOrigin(draft.origin) ?? { type: "url", protocol: "http", host: "{domain}" },
    backupOrigin: mode === "fetch" ? draftOrigin(draft.backupOrigin) : null,
    prefixRewrite: rewrite?.action === "replace" ? { action: "replace", with: rewrite.with ?? "" } : rewrite,
    fixedKey: mode === "redirect" ? (draft.fixedKey ?? null) : null,
    addressPrefix: draft.addressPrefix ?? "",
    addressSuffix: draft.addressSuffix ?? "",
    passQueryString: draft.passQueryString ?? false,
    storageClass: draft.storageClass ?? "STANDARD",
    headers: {
      passAll: draft.headers?.passAll ?? false,
      pass: names(draft.headers?.pass),
      prohibit: names(draft.headers?.prohibit),
      set: (draft.headers?.set ?? []).filter((header) => header.name),
    },
  };
}

function mismatchReason(rule: MirrorRule, key: string): string {
  if (!key.startsWith(rule.conditionPrefix)) return `The key does not start with "${rule.conditionPrefix}".`;
  return `The key does not end with "${rule.conditionSuffix}".`;
}

export function computeRulePreview(
  draft: Partial<MirrorRuleInput>,
  sampleKey: string,
  sampleQuery: string,
  otherRules: readonly Condition[],
  ownId?: number,
): RulePreview {
  const rule = draftToRule(draft);
  const conflicting = findConflictingRules(rule, otherRules, ownId);
  const common = {
    redirect: rule.mode === "redirect",
    headers: describeHeaderForwarding(rule.headers),
    conflict: conflicting.length > 0 ? conflicting.map(ruleLabel).join(", ") : null,
    query: rule.passQueryString
      ? forwardableQuery(sampleQuery)
        ? `Sent: ?${forwardableQuery(sampleQuery)}`
        : "Sent when the request has one (this sample has none)."
      : "Not sent.",
  };
  if (!ruleMatchesKey(rule, sampleKey)) {
    return { ...common, matches: false, mismatch: mismatchReason(rule, sampleKey), primary: null, backup: null, storedKey: null, refusal: null };
  }
  const address = computeOriginAddress(rule, sampleKey, sampleQuery);
  return {
    ...common,
    matches: true,
    mismatch: null,
    primary: formatOriginTarget(address.primary),
    backup: address.backup ? formatOriginTarget(address.backup) : null,
    storedKey: address.storedKey,
    refusal: address.refusal,
  };
}
