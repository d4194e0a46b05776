/** The rule form's values: the API's rule input, with header lists as editable text. */
import type { BucketSummary } from "@/lib/buckets/bucket-service";
import type { MirrorRuleInput, StoredMirrorRule } from "@/lib/mirroring/rule-schema";

export type RuleFormValues = MirrorRuleInput;

export function toFormValues(rule: StoredMirrorRule | null, bucket: BucketSummary): RuleFormValues {
  if (!rule) {
    return {
      mode: "fetch",
      conditionPrefix: "",
      conditionSuffix: "",
      origin: { type: "url", protocol: "http", host: "" },
      backupOrigin: null,
      prefixRewrite: null,
      fixedKey: null,
      addressPrefix: "",
      addressSuffix: "",
      passQueryString: false,
      storageClass: bucket.defaultStorageClass,
      headers: { passAll: false, pass: "", prohibit: "", set: [] },
    };
  }
  const { id: _id, version: _version, createdAt: _created, updatedAt: _updated, ...fields } = rule;
  return {
    ...fields,
    headers: { ...rule.headers, pass: rule.headers.pass.join(", "), prohibit: rule.headers.prohibit.join(", ") },
  };
}

export const NEW_URL_ORIGIN = { type: "url", protocol: "http", host: "" } as const;

/**
 * A new URL origin for the backup speaks the primary's protocol: a backup of an HTTPS site is
 * HTTPS too. Used when the backup is turned on and when it is switched back from a bucket to a URL.
 */
export function newBackupUrlOrigin(primary: RuleFormValues["origin"] | undefined): NonNullable<RuleFormValues["backupOrigin"]> {
  const protocol = primary?.type === "url" ? primary.protocol : undefined;
  return { ...NEW_URL_ORIGIN, ...(protocol ? { protocol } : {}) };
}
