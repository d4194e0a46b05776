/**
 * A bucket's origins joined with what the engine knows of them (circuit breaker, requests in flight
 * and waiting). Bucket origins (`bos://`) are read locally and have no breaker: they are not listed.
 * Server only.
 */
import { currentApp } from "@/lib/runtime/current-app";
import { originHostKey, type OriginHealthView } from "./origin-health";
import { listRules } from "./rule-service";

export async function bucketOriginsHealth(bucketName: string): Promise<OriginHealthView[]> {
  const rules = await listRules(bucketName);
  const known = new Map(currentApp().engine.originHealth().map((health) => [health.origin, health]));
  const views = new Map<string, OriginHealthView>();
  for (const rule of rules) {
    for (const origin of [rule.origin, rule.backupOrigin]) {
      const key = originHostKey(origin);
      if (!key) continue;
      const view = views.get(key);
      if (view) {
        if (!view.ruleIds.includes(rule.id)) view.ruleIds.push(rule.id);
        continue;
      }
      const health = known.get(key);
      views.set(key, {
        origin: key,
        ruleIds: [rule.id],
        circuit: health?.circuit ?? "closed",
        unavailableSince: health?.unavailableSince?.toISOString() ?? null,
        retryAt: health?.retryAt?.toISOString() ?? null,
        recentFailures: health?.recentFailures ?? 0,
        lastFailure: health?.lastFailure ?? null,
        inflight: health?.inflight ?? 0,
        queued: health?.queued ?? 0,
      });
    }
  }
  return [...views.values()];
}
