/**
 * What the console shows beside the rule form, recomputed on every keystroke from the form's
 * current (possibly incomplete) values. No I/O: it reuses the address, conflict and header rules.
 */
import { describeHeaderForwarding, forbiddenHeaderReason } from "./origin-headers";
import { parseOriginHost } from "./origin-host";
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
  /** Parts of the draft that a save would refuse, so the preview does not show them as if used. */
  problems: PreviewProblem[];
}

export interface PreviewProblem {
  /** The form field at fault ("origin.host", "headers.set"). */
  field: string;
  message: string;
  /** A pasted URL in a host field: the host (and protocol) to put there instead. */
  hostFix?: { protocol: "http" | "https"; host: string };
}

/**
 * `https://www.example.com/a/b` pasted where a host belongs: the host and protocol in it, when the
 * rest is nothing but a path (so taking it out loses nothing the rule could use).
 */
export function hostFromPastedUrl(input: string): { protocol: "http" | "https"; host: string } | null {
  const match = /^\s*(https?):\/\/([^/?#\s]+)/i.exec(input);
  if (!match) return null;
  const host = match[2]!.replace(/^[^@]*@/, "");
  return parseOriginHost(host).ok ? { protocol: match[1]!.toLowerCase() as "http" | "https", host } : null;
}

function originProblems(field: string, origin: MirrorRuleInput["origin"] | null | undefined): PreviewProblem[] {
  if (!origin || origin.type !== "url" || !origin.host) return [];
  const parsed = parseOriginHost(origin.host);
  if (parsed.ok) return [];
  const hostFix = hostFromPastedUrl(origin.host) ?? undefined;
  return [{ field, message: parsed.problem, ...(hostFix ? { hostFix } : {}) }];
}

function headerProblems(draft: Partial<MirrorRuleInput>): PreviewProblem[] {
  const problems: PreviewProblem[] = [];
  for (const name of names(draft.headers?.pass)) {
    const reason = forbiddenHeaderReason(name);
    if (reason) problems.push({ field: "headers.pass", message: reason });
  }
  for (const header of draft.headers?.set ?? []) {
    const reason = header.name ? forbiddenHeaderReason(header.name) : null;
    if (reason) problems.push({ field: "headers.set", message: reason });
  }
  return problems;
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

/** An invalid host is shown as a placeholder, never as if it would be used (`http://http://…`). */
function draftOrigin(origin: MirrorRuleInput["origin"] | null | undefined): Origin | null {
  if (!origin) return null;
  if (origin.type === "bucket") return { type: "bucket", bucket: origin.bucket || "{bucket}" };
  const valid = origin.host && parseOriginHost(origin.host).ok;
  return { type: "url", protocol: origin.protocol ?? "http", host: valid ? origin.host! : "{domain}" };
}

/** Headers a save would refuse are left out of the description (it never "always sets Host"). */
const allowedNames = (list: string[]) => list.filter((name) => forbiddenHeaderReason(name) === null);

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
      pass: allowedNames(names(draft.headers?.pass)),
      prohibit: names(draft.headers?.prohibit),
      set: (draft.headers?.set ?? []).filter((header) => header.name && forbiddenHeaderReason(header.name) === null),
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
  const problems = [
    ...originProblems("origin.host", draft.origin),
    ...(rule.mode === "fetch" ? originProblems("backupOrigin.host", draft.backupOrigin) : []),
    ...headerProblems(draft),
  ];
  const common = {
    problems,
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
