/** "Check the origin now": asks the address(es) a rule computes for a key, for one byte, and reports. */
import { ApiError } from "@/lib/api/api-error";
import { apiRoute, json, readJsonBody } from "@/lib/api/route-handler";
import { originCheckRequestSchema } from "@/lib/mirroring/origin-check";
import { ruleToProbe } from "@/lib/mirroring/rule-service";
import { currentApp } from "@/lib/runtime/current-app";

type Params = { bucket: string };

export const POST = apiRoute<Params>(async (request, { bucket }, { audit }) => {
  const { rule: draft, key, query } = await readJsonBody(request, originCheckRequestSchema);
  const rule = await ruleToProbe(bucket, draft);
  const app = currentApp();
  const permit = app.probeLimiter.take(audit.actor);
  if (!permit.granted) {
    const error = new ApiError("TooManyRequests", `Too many origin checks: ${permit.reason}. Try again in ${permit.retryAfterSeconds} s.`);
    error.retryAfterSeconds = permit.retryAfterSeconds;
    throw error;
  }
  try {
    return json(await app.probe.check(rule, key, query, audit.requestId));
  } finally {
    permit.release();
  }
});
