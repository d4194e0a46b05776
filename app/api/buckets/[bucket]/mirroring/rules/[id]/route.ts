import { apiRoute, json, noContent, readJsonBody } from "@/lib/api/route-handler";
import { ruleEnabledSchema, updateMirrorRuleSchema } from "@/lib/mirroring/rule-schema";
import { deleteRule, getRule, setRuleEnabled, updateRule } from "@/lib/mirroring/rule-service";

type Params = { bucket: string; id: string };

export const GET = apiRoute<Params>(async (_request, { bucket, id }) => json(await getRule(bucket, id)));

export const PUT = apiRoute<Params>(async (request, { bucket, id }, { audit }) => {
  const { version, ...rule } = await readJsonBody(request, updateMirrorRuleSchema);
  return json(await updateRule(bucket, id, rule, version, audit));
});

/** Enable or disable: `{ "enabled": false }`. */
export const PATCH = apiRoute<Params>(async (request, { bucket, id }, { audit }) => {
  const { enabled } = await readJsonBody(request, ruleEnabledSchema);
  return json(await setRuleEnabled(bucket, id, enabled, audit));
});

export const DELETE = apiRoute<Params>(async (_request, { bucket, id }, { audit }) => {
  await deleteRule(bucket, id, audit);
  return noContent();
});
