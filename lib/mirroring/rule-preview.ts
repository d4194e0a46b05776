/**
 * What the console shows beside the rule form, recomputed on every keystroke from the form's
 * current (possibly incomplete) values. No I/O: it reuses the address, conflict and header rules,
 * and it learns which parts a save would refuse from the rule schema itself (mirrorRuleSchema, the
 * schema the form and the server parse with), so it never shows refused input as if it were used.
 */
import { specialHostReason } from "@/lib/origin/special-address";
import { describeHeaderForwarding, forbiddenHeaderReason } from "./origin-headers";
import { parseOriginHost } from "./origin-host";
import { computeOriginAddress, formatOriginTarget, forwardableQuery, ruleMatchesKey } from "./origin-address";
import { headerNameProblem, mirrorRuleSchema, splitHeaderNames, type MirrorRule, type MirrorRuleInput, type Origin } from "./rule-schema";
import { conflictSummary, findConflictingRules } from "./rule-set";

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
  /** Every enabled rule the condition overlaps, in one sentence, or null. */
  conflict: string | null;
  /**
   * Parts of the draft that a save would refuse, so the preview does not show them as if used:
   * the schema's own issues, less those of fields not filled in yet (those show as placeholders).
   */
  problems: PreviewProblem[];
  /**
   * The addresses are not shown because a save would refuse a field that shapes them (the
   * condition, the prefix handling, the fixed filename, the address prefix or suffix): which.
   */
  addressRefused: string | null;
  /**
   * Origin hosts that a save refuses unless the server's ORIGIN_ALLOWLIST names them (loopback,
   * private, link-local…). Only the server reads that setting, so these are warnings, not problems:
   * the server's answer ("Check the origin now", or saving) decides.
   */
  cautions: PreviewProblem[];
}

export interface PreviewProblem {
  /** The form field at fault, as the schema's issue path ("origin.host", "headers.set.0.name"). */
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

/** The value at an issue's path in the draft. */
function valueAt(draft: unknown, path: readonly PropertyKey[]): unknown {
  return path.reduce<unknown>((value, key) => (value !== null && typeof value === "object" ? (value as Record<PropertyKey, unknown>)[key] : undefined), draft);
}

/** A field left empty is not filled in yet, not wrong: the preview shows a placeholder for it. */
const unfilled = (value: unknown) => value === undefined || (typeof value === "string" && value.trim() === "");

/**
 * What a save would refuse in the draft, by field: mirrorRuleSchema's issues. A draft without a
 * storage class (the preview does not show one) gets the default, so that the checks across
 * fields, which run only on a well-formed rule, still run.
 */
function schemaProblems(draft: Partial<MirrorRuleInput>): PreviewProblem[] {
  const result = mirrorRuleSchema.safeParse({ ...draft, storageClass: draft.storageClass ?? "STANDARD" });
  if (result.success) return [];
  return result.error.issues
    .filter((issue) => !unfilled(valueAt(draft, issue.path)))
    .map((issue) => {
      const field = issue.path.join(".");
      const value = valueAt(draft, issue.path);
      const hostFix = /^(origin|backupOrigin)\.host$/.test(field) && typeof value === "string" ? hostFromPastedUrl(value) : null;
      return { field, message: issue.message, ...(hostFix ? { hostFix } : {}) };
    });
}

/** Hosts the server refuses unless its ORIGIN_ALLOWLIST names them, from the same function it decides with. */
function originCautions(field: string, origin: MirrorRuleInput["origin"] | null | undefined, refused: ReadonlySet<string>): PreviewProblem[] {
  if (origin?.type !== "url" || !origin.host || refused.has(field)) return [];
  const parsed = parseOriginHost(origin.host);
  const reason = parsed.ok ? specialHostReason(parsed.host) : null;
  return reason ? [{ field, message: `${reason}: a save refuses it unless the server's ORIGIN_ALLOWLIST setting names it.` }] : [];
}

/** The fields that shape the origin address besides the origins, with their names in the form's words. */
const ADDRESS_FIELDS: Record<string, string> = {
  conditionPrefix: "the prefix condition",
  conditionSuffix: "the suffix condition",
  prefixRewrite: "the prefix handling",
  fixedKey: "the fixed filename",
  addressPrefix: "the address prefix",
  addressSuffix: "the address suffix",
};

/** A key that matches the condition, like the seed's examples ("abc/myobject.docx"). */
export function defaultSampleKey(conditionPrefix = "", conditionSuffix = ""): string {
  const folder = conditionPrefix === "" || conditionPrefix.endsWith("/") ? conditionPrefix : `${conditionPrefix}/`;
  return `${folder}myobject${conditionSuffix || ".docx"}`;
}

const names = (value: unknown): string[] => {
  const list = splitHeaderNames(value);
  return Array.isArray(list) ? list.filter((item): item is string => typeof item === "string") : [];
};

/** A host that is missing or refused is shown as a placeholder, never as if it would be used (`http://http://…`). */
function draftOrigin(origin: MirrorRuleInput["origin"] | null | undefined, hostRefused: boolean): Origin | null {
  if (!origin) return null;
  if (origin.type === "bucket") return { type: "bucket", bucket: origin.bucket || "{bucket}" };
  return { type: "url", protocol: origin.protocol ?? "http", host: origin.host && !hostRefused ? origin.host : "{domain}" };
}

/** Names a save would refuse are left out of the description (it never "always sets Host"). */
const passable = (list: string[]) => list.filter((name) => headerNameProblem(name) === null && forbiddenHeaderReason(name) === null);

/**
 * Reads the form's values leniently: a half-typed rule still has an address to show. Fields in
 * `refused` (schema issue paths, "origin.host", "headers.set.0.name") are left out or shown as
 * placeholders.
 */
export function draftToRule(draft: Partial<MirrorRuleInput>, refused: ReadonlySet<string> = new Set()): MirrorRule {
  const mode = draft.mode ?? "fetch";
  const rewrite = draft.prefixRewrite ?? null;
  const setRefused = (index: number) => [...refused].some((field) => field.startsWith(`headers.set.${index}.`));
  return {
    mode,
    conditionPrefix: draft.conditionPrefix ?? "",
    conditionSuffix: draft.conditionSuffix ?? "",
    origin: draftOrigin(draft.origin, refused.has("origin.host")) ?? { type: "url", protocol: "http", host: "{domain}" },
    backupOrigin: mode === "fetch" ? draftOrigin(draft.backupOrigin, refused.has("backupOrigin.host")) : null,
    prefixRewrite: rewrite?.action === "replace" ? { action: "replace", with: rewrite.with ?? "" } : rewrite,
    fixedKey: mode === "redirect" ? (draft.fixedKey ?? null) : null,
    addressPrefix: draft.addressPrefix ?? "",
    addressSuffix: draft.addressSuffix ?? "",
    passQueryString: draft.passQueryString ?? false,
    storageClass: draft.storageClass ?? "STANDARD",
    headers: {
      passAll: draft.headers?.passAll ?? false,
      pass: passable(names(draft.headers?.pass)),
      prohibit: names(draft.headers?.prohibit).filter((name) => headerNameProblem(name) === null),
      set: (draft.headers?.set ?? []).filter((header, index) => header.name && !setRefused(index)),
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
  const problems = schemaProblems(draft);
  const refused = new Set(problems.map((problem) => problem.field));
  const rule = draftToRule(draft, refused);
  const conflicting = findConflictingRules(rule, otherRules, ownId);
  const addressFields = [...new Set(problems.map((problem) => ADDRESS_FIELDS[problem.field.split(".")[0]!]).filter(Boolean))];
  const common = {
    problems,
    cautions: [...originCautions("origin.host", draft.origin, refused), ...(rule.mode === "fetch" ? originCautions("backupOrigin.host", draft.backupOrigin, refused) : [])],
    addressRefused: null,
    redirect: rule.mode === "redirect",
    headers: describeHeaderForwarding(rule.headers),
    conflict: conflicting.length > 0 ? conflictSummary(conflicting) : null,
    query: rule.passQueryString
      ? forwardableQuery(sampleQuery)
        ? `Sent: ?${forwardableQuery(sampleQuery)}`
        : "Sent when the request has one (this sample has none)."
      : "Not sent.",
  };
  const none = { matches: false, mismatch: null, primary: null, backup: null, storedKey: null, refusal: null };
  if (addressFields.length > 0) {
    const list = addressFields.length === 1 ? addressFields[0]! : `${addressFields.slice(0, -1).join(", ")} and ${addressFields[addressFields.length - 1]}`;
    return { ...common, ...none, addressRefused: `Not shown: a save would refuse ${list}.` };
  }
  if (!ruleMatchesKey(rule, sampleKey)) return { ...common, ...none, mismatch: mismatchReason(rule, sampleKey) };
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
