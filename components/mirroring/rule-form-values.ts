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
