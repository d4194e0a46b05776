/**
 * The rule a rule page is about, looked up on the server before the page renders: a rule id the
 * bucket does not have gets the not-found page (./not-found.tsx) and a "No such rule" title, not
 * the client's error state and its "Try again". Server only.
 */
import { cache } from "react";
import { NoSuchBucket, NoSuchRule } from "@/lib/domain/errors";
import { getRule } from "@/lib/mirroring/rule-service";
import type { StoredMirrorRule } from "@/lib/mirroring/rule-schema";

/**
 * The bucket's rule with this id as written in the URL, or null when there is none (the id is not
 * a rule number, or no rule has it). Any other failure throws, to the error page and its retry.
 * Once per request: the page and its metadata share the answer.
 */
export const findRule = cache(async (bucket: string, id: string): Promise<StoredMirrorRule | null> => {
  try {
    return await getRule(bucket, id);
  } catch (error) {
    if (error instanceof NoSuchRule || error instanceof NoSuchBucket) return null;
    throw error;
  }
});
