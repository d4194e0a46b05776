/**
 * Whether an origin listing's keys can be taken as the bucket's keys. An import lists keys as the
 * origin names them, and pulls each through the bucket's matching rule as a GET miss of that key
 * would: right only when the rule asks the origin for the key unchanged. A rule that rewrites the
 * key into its address (a prefix replaced or cropped, an address prefix or suffix, a fixed
 * filename) would fetch `rewrite(listed key)`, a different object, and store it under a key the
 * origin never had. The inverse exists for some of these and not others (a suffix that replaces
 * an extension loses the original one), so such a rule refuses the listing, naming the rule: its
 * keys are imported as a key list instead. Pure: no I/O.
 */
import type { StoredMirrorRule } from "@/lib/mirroring/rule-schema";

type ListingRule = Pick<StoredMirrorRule, "id" | "enabled" | "conditionPrefix" | "prefixRewrite" | "fixedKey" | "addressPrefix" | "addressSuffix">;

/** What the rule does to a key on its way to the origin, or null when it keeps it. */
function rewriteOf(rule: ListingRule): string | null {
  if (rule.fixedKey !== null) return "a fixed filename";
  if (rule.prefixRewrite !== null) return rule.prefixRewrite.action === "crop" ? "a cropped prefix" : "a replaced prefix";
  if (rule.addressPrefix !== "") return "an address prefix";
  if (rule.addressSuffix !== "") return "an address suffix";
  return null;
}

/** The reason listed keys under `prefix` cannot be taken as bucket keys under these rules, or null. */
export function listingKeyProblem(rules: readonly ListingRule[], prefix: string): string | null {
  for (const rule of rules) {
    if (!rule.enabled) continue;
    // Keys under the listing's prefix can match the rule only when one prefix starts with the other.
    const overlaps = rule.conditionPrefix.startsWith(prefix) || prefix.startsWith(rule.conditionPrefix);
    const rewrite = rewriteOf(rule);
    if (overlaps && rewrite) {
      return (
        `Rule #${rule.id} rewrites keys into its origin address (${rewrite}), so the keys an origin listing ` +
        `returns are not this bucket's keys: import those keys as a key list, or list under a prefix the rule does not cover.`
      );
    }
  }
  return null;
}
