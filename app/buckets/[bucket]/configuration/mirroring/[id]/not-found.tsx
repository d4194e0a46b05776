import type { Metadata } from "next";
import { NoSuchRule } from "./no-such-rule";

/**
 * A rule number the bucket does not have (never had, or deleted since): the rule page and its edit
 * page say so, with the way back to the bucket's rules. The pages' generateMetadata titles it
 * "No such rule · demo · BOS Mirror console"; this title says the same where Next renders the
 * not-found state with the layouts' and not-found files' metadata only (a 404 answered before
 * streaming starts).
 */
export const metadata: Metadata = { title: "No such rule" };

export default function RuleNotFound() {
  return <NoSuchRule />;
}
