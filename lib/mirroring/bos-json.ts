/**
 * BOS's own JSON for mirror rules (`PUT|GET /v1/{bucket}?mirroring`), translated to and from our
 * rule model (mirroring-semantics.md, "The same rule in BOS's JSON"). Pure.
 */
import { z } from "zod";
import { MAX_RULES_PER_BUCKET } from "./limits";
import { mirrorRuleSchema, type MirrorRule, type MirrorRuleInput, type Origin } from "./rule-schema";

const bosRuleSchema = z.object({
  mode: z.enum(["fetch", "redirect"]).optional(),
  resource: z.string().optional(),
  sourceUrl: z.string("sourceUrl is required."),
  backSourceUrl: z.string().optional(),
  version: z.string().optional(),
  prefixReplace: z.string().optional(),
  prefix: z.string().optional(),
  suffix: z.string().optional(),
  fixedKey: z.string().optional(),
  passQuerystring: z.boolean().optional(),
  passQueryString: z.boolean().optional(),
  storageClass: z.string().optional(),
  passHeaders: z.array(z.string()).optional(),
  ignoreHeaders: z.array(z.string()).optional(),
  customHeaders: z.array(z.object({ headerName: z.string(), headerValue: z.string() })).optional(),
});
export type BosMirrorRule = z.infer<typeof bosRuleSchema>;

export const bosMirroringConfigurationSchema = z.object({
  bucketMirroringConfiguration: z
    .array(bosRuleSchema)
    .max(MAX_RULES_PER_BUCKET, `A bucket has at most ${MAX_RULES_PER_BUCKET} mirror rules.`),
});

/** `http(s)://host[:port]` (no scheme means http) or `bos://{bucket}`. */
export function parseSourceUrl(sourceUrl: string): MirrorRuleInput["origin"] {
  const match = /^([a-z][a-z0-9+.-]*):\/\/(.*)$/i.exec(sourceUrl.trim());
  const scheme = match?.[1]?.toLowerCase() ?? "http";
  const rest = (match?.[2] ?? sourceUrl.trim()).replace(/\/$/, "");
  if (scheme === "bos") return { type: "bucket", bucket: rest };
  return { type: "url", protocol: scheme as "http", host: rest };
}

export function formatSourceUrl(origin: Origin): string {
  return origin.type === "bucket" ? `bos://${origin.bucket}` : `${origin.protocol}://${origin.host}`;
}

/** Translates one BOS rule; the result still goes through mirrorRuleSchema. */
export function fromBosRule(rule: BosMirrorRule, defaultStorageClass: string): MirrorRuleInput {
  const resource = rule.resource ?? "*";
  const star = resource.indexOf("*");
  const conditionPrefix = star < 0 ? resource : resource.slice(0, star);
  const conditionSuffix = star < 0 ? "" : resource.slice(star + 1);
  if (conditionSuffix.includes("*")) throw new Error(`resource "${resource}" has more than one *`);
  if (rule.prefixReplace !== undefined && rule.version !== "v2") throw new Error('prefixReplace needs "version": "v2"');
  const passAll = rule.passHeaders?.length === 1 && rule.passHeaders[0] === "*";
  return {
    mode: rule.mode ?? "fetch",
    conditionPrefix,
    conditionSuffix,
    origin: parseSourceUrl(rule.sourceUrl),
    backupOrigin: rule.backSourceUrl ? parseSourceUrl(rule.backSourceUrl) : null,
    prefixRewrite:
      rule.prefixReplace === undefined ? null : rule.prefixReplace === "" ? { action: "crop" } : { action: "replace", with: rule.prefixReplace },
    fixedKey: rule.fixedKey ?? null,
    addressPrefix: rule.prefix ?? "",
    addressSuffix: rule.suffix ?? "",
    passQueryString: rule.passQueryString ?? rule.passQuerystring ?? false,
    storageClass: (rule.storageClass ?? defaultStorageClass) as MirrorRuleInput["storageClass"],
    headers: {
      passAll,
      pass: passAll ? [] : (rule.passHeaders ?? []),
      prohibit: rule.ignoreHeaders ?? [],
      set: (rule.customHeaders ?? []).map((header) => ({ name: header.headerName, value: header.headerValue })),
    },
  };
}

export function toBosRule(rule: MirrorRule): BosMirrorRule {
  const bos: BosMirrorRule = {
    mode: rule.mode,
    resource: `${rule.conditionPrefix}*${rule.conditionSuffix}`,
    sourceUrl: formatSourceUrl(rule.origin),
    prefix: rule.addressPrefix,
    suffix: rule.addressSuffix,
    passQuerystring: rule.passQueryString,
    storageClass: rule.storageClass,
    passHeaders: rule.headers.passAll ? ["*"] : rule.headers.pass,
    ignoreHeaders: rule.headers.prohibit,
    customHeaders: rule.headers.set.map((header) => ({ headerName: header.name, headerValue: header.value })),
  };
  if (rule.backupOrigin) bos.backSourceUrl = formatSourceUrl(rule.backupOrigin);
  if (rule.prefixRewrite) {
    bos.version = "v2";
    bos.prefixReplace = rule.prefixRewrite.action === "crop" ? "" : rule.prefixRewrite.with;
  }
  if (rule.fixedKey !== null) bos.fixedKey = rule.fixedKey;
  return bos;
}

export type BosConfigurationParse = { ok: true; rules: MirrorRule[] } | { ok: false; message: string };

/**
 * A whole BOS configuration (`{"bucketMirroringConfiguration": [...]}`) to our rules, each checked
 * by mirrorRuleSchema; the first problem names the rule by its position. The BOS API, the console's
 * import and its preview all read configurations through this.
 */
export function parseBosConfiguration(json: unknown, defaultStorageClass: string): BosConfigurationParse {
  const parsed = bosMirroringConfigurationSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { ok: false, message: `${issue.path.join(".") || "body"}: ${issue.message}` };
  }
  const rules: MirrorRule[] = [];
  for (const [index, bosRule] of parsed.data.bucketMirroringConfiguration.entries()) {
    let input;
    try {
      input = fromBosRule(bosRule, defaultStorageClass);
    } catch (error) {
      return { ok: false, message: `Rule ${index + 1}: ${(error as Error).message}.` };
    }
    const result = mirrorRuleSchema.safeParse(input);
    if (!result.success) {
      const problems = result.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
      return { ok: false, message: `Rule ${index + 1}: ${problems.join("; ")}` };
    }
    rules.push(result.data);
  }
  return { ok: true, rules };
}
