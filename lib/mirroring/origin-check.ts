/**
 * "Check the origin now" and "Test a key": what the console asks the server about a rule and a
 * key before traffic arrives. The request schemas (parsed by the route handlers) and the answers'
 * shapes (read by the console).
 */
import { z } from "zod";
import { objectKeyProblem } from "@/lib/objects/object-key";
import { createMirrorRuleSchema } from "./rule-schema";

const MAX_SAMPLE_QUERY_LENGTH = 2048;

export const objectKeySchema = z.string("Enter an object key.").superRefine((key, ctx) => {
  const problem = objectKeyProblem(key);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});

/** POST …/mirroring/origin-check: the rule as the form holds it (saved or not), and a sample key. */
export const originCheckRequestSchema = z.strictObject({
  rule: createMirrorRuleSchema,
  key: objectKeySchema,
  query: z.string().max(MAX_SAMPLE_QUERY_LENGTH, `The sample query string has at most ${MAX_SAMPLE_QUERY_LENGTH} characters.`).default(""),
});
export type OriginCheckRequest = z.input<typeof originCheckRequestSchema>;

/** GET …/mirroring/key-status?key=: whether the key is stored (then back-to-origin never runs for it). */
export interface KeyStatus {
  key: string;
  stored: { size: number; etag: string; contentType: string | null; lastModified: string; sourceUrl: string | null } | null;
}
