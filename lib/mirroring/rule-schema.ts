/**
 * The rule model and its validation: one zod schema per operation, parsed by the console form
 * (through zodResolver) and again by the server. Field meanings: mirroring-semantics.md.
 */
import { z } from "zod";
import { STORAGE_CLASSES } from "@/lib/buckets/storage-class";
import {
  MAX_HEADERS_PER_LIST,
  MAX_HEADER_NAME_LENGTH,
  MAX_HEADER_VALUE_LENGTH,
  MAX_KEY_FIELD_LENGTH,
} from "./limits";
import { parseOriginHost } from "./origin-host";
import { HEADER_NAME, forbiddenHeaderReason } from "./origin-headers";

export const MIRROR_MODES = ["fetch", "redirect"] as const;
export type MirrorMode = (typeof MIRROR_MODES)[number];

const keyField = (label: string) =>
  z.string(`${label} must be text.`).max(MAX_KEY_FIELD_LENGTH, `${label} is longer than ${MAX_KEY_FIELD_LENGTH} characters.`);

const urlOriginSchema = z.object({
  type: z.literal("url"),
  protocol: z.enum(["http", "https"], "Choose HTTP or HTTPS.").default("http"),
  host: z.string("Enter the origin's domain name or IP address.").superRefine((host, ctx) => {
    const parsed = parseOriginHost(host);
    if (!parsed.ok) ctx.addIssue({ code: "custom", message: parsed.problem });
  }),
});

const bucketOriginSchema = z.object({
  type: z.literal("bucket"),
  /** Private buckets of this deployment are read over HTTP only. */
  protocol: z.literal("http", "A bucket origin is reached over HTTP only.").optional(),
  bucket: z.string("Choose a bucket.").min(1, "Choose a bucket."),
});

export const originSchema = z.discriminatedUnion("type", [urlOriginSchema, bucketOriginSchema], {
  error: "Choose a third-party URL or a bucket of this deployment as the origin.",
});
export type Origin = z.output<typeof originSchema>;

export const prefixRewriteSchema = z.discriminatedUnion(
  "action",
  [
    z.object({
      action: z.literal("replace"),
      with: keyField("The replacement").min(1, "Enter the path that replaces the prefix, or choose Crop."),
    }),
    z.object({ action: z.literal("crop") }),
  ],
  { error: "Choose replace or crop." },
);
export type PrefixRewrite = z.output<typeof prefixRewriteSchema>;

/** Why a name in a list of header names is refused (not an RFC 9110 token), or null. */
export function headerNameProblem(name: string): string | null {
  return HEADER_NAME.test(name) ? null : `"${name}" is not a valid header name.`;
}

/** Lists of header names arrive as arrays from the API and as comma/line separated text from the form. */
export function splitHeaderNames(value: unknown): unknown {
  if (typeof value !== "string") return value;
  return value.split(/[\s,]+/).filter(Boolean);
}

const headerNameList = z.preprocess(
  splitHeaderNames,
  z
    .array(z.string().max(MAX_HEADER_NAME_LENGTH, "A header name is too long."), "Enter header names.")
    .max(MAX_HEADERS_PER_LIST, `At most ${MAX_HEADERS_PER_LIST} headers per list.`)
    .superRefine((names, ctx) => {
      const seen = new Set<string>();
      for (const name of names) {
        const problem = headerNameProblem(name);
        if (problem) ctx.addIssue({ code: "custom", message: problem });
        if (seen.has(name.toLowerCase())) ctx.addIssue({ code: "custom", message: `${name} is listed twice.` });
        seen.add(name.toLowerCase());
      }
    }),
);

const setHeaderSchema = z.object({
  name: z
    .string()
    .min(1, "Enter a header name.")
    .max(MAX_HEADER_NAME_LENGTH, "The header name is too long.")
    .regex(HEADER_NAME, "Use letters, digits and - in a header name."),
  value: z
    .string()
    .max(MAX_HEADER_VALUE_LENGTH, `A header value has at most ${MAX_HEADER_VALUE_LENGTH} characters.`)
    .refine((value) => !/[\r\n\0]/.test(value), "A header value cannot contain line breaks."),
});

export const headerRulesSchema = z.object({
  passAll: z.boolean().default(false),
  pass: headerNameList.default([]),
  prohibit: headerNameList.default([]),
  set: z.array(setHeaderSchema).max(MAX_HEADERS_PER_LIST, `At most ${MAX_HEADERS_PER_LIST} headers can be set.`).default([]),
});

const ruleFields = z.object({
  mode: z.enum(MIRROR_MODES, "Choose Mirror or Redirection.").default("fetch"),
  conditionPrefix: keyField("The prefix condition").default(""),
  conditionSuffix: keyField("The suffix condition").default(""),
  origin: originSchema,
  backupOrigin: originSchema.nullable().default(null),
  prefixRewrite: prefixRewriteSchema.nullable().default(null),
  fixedKey: keyField("The fixed filename").min(1, "Enter the fixed filename.").nullable().default(null),
  addressPrefix: keyField("The address prefix").default(""),
  addressSuffix: keyField("The address suffix").default(""),
  passQueryString: z.boolean().default(false),
  storageClass: z.enum(STORAGE_CLASSES, "Choose a storage class."),
  headers: headerRulesSchema.default({ passAll: false, pass: [], prohibit: [], set: [] }),
});

// The storage class plays no part here, and a request may leave it out.
type RuleFields = Omit<z.output<typeof ruleFields>, "storageClass">;

/** Checks that involve several fields of one rule. */
function checkRuleFields(rule: RuleFields, ctx: z.RefinementCtx): void {
  const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: "custom", path, message });
  if (rule.conditionPrefix.endsWith("/")) issue(["conditionPrefix"], "The prefix condition cannot end with /.");
  if (rule.fixedKey !== null && rule.mode !== "redirect") {
    issue(["fixedKey"], "A fixed filename applies to Redirection only.");
  }
  if (rule.backupOrigin !== null && rule.mode !== "fetch") {
    issue(["backupOrigin"], "A backup origin applies to Mirror mode only.");
  }
  if (rule.headers.passAll && rule.headers.pass.length > 0) {
    issue(["headers", "pass"], "Choose either all headers or a list of headers, not both.");
  }
  for (const name of rule.headers.pass) {
    const reason = forbiddenHeaderReason(name);
    if (reason) issue(["headers", "pass"], reason);
  }
  rule.headers.set.forEach((header, index) => {
    const reason = forbiddenHeaderReason(header.name);
    if (reason) issue(["headers", "set", index, "name"], reason);
  });
  const setNames = rule.headers.set.map((header) => header.name.toLowerCase());
  setNames.forEach((name, index) => {
    if (setNames.indexOf(name) !== index) issue(["headers", "set", index, "name"], `${name} is set twice.`);
  });
}

/** A complete rule: what the console form submits, BOS's JSON translates to, and the engine runs. */
export const mirrorRuleSchema = ruleFields.superRefine(checkRuleFields);

/**
 * What the management API accepts. As in BOS, the storage class may be left out: the rule then
 * takes its bucket's default class, which the rule service fills in (only it knows the bucket).
 */
const requestFields = ruleFields.extend({ storageClass: ruleFields.shape.storageClass.optional() });
/** Create a rule (POST). */
export const createMirrorRuleSchema = requestFields.superRefine(checkRuleFields);
/** Replace a rule (PUT): the same fields plus the version that was read. */
export const updateMirrorRuleSchema = requestFields
  .extend({ version: z.number("Send the version you read.").int().positive() })
  .superRefine(checkRuleFields);

export type MirrorRuleInput = z.input<typeof mirrorRuleSchema>;
export type MirrorRule = z.output<typeof mirrorRuleSchema>;
/** A rule as sent to the management API: storageClass may be missing. */
export type MirrorRuleRequest = z.output<typeof createMirrorRuleSchema>;
export type HeaderRulesInput = z.input<typeof headerRulesSchema>;

/** A rule as stored and returned by the API. */
export interface StoredMirrorRule extends MirrorRule {
  /** The rule's number within its bucket (1, 2, 3…, never reused): "rule #2". */
  id: number;
  /** A disabled rule keeps its place but is skipped on a miss and by conflict checks. */
  enabled: boolean;
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** Enable or disable a rule (PATCH): nothing else changes. */
export const ruleEnabledSchema = z.strictObject({ enabled: z.boolean('Send "enabled": true or false.') }, 'Send only "enabled": true or false.');
