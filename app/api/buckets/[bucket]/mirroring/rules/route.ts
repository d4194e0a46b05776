import { apiRoute, json, readJsonBody } from "@/lib/api/route-handler";
import { createMirrorRuleSchema } from "@/lib/mirroring/rule-schema";
import { createRule, listRules } from "@/lib/mirroring/rule-service";

type Params = { bucket: string };

export const GET = apiRoute<Params>(async (_request, { bucket }) => json({ rules: await listRules(bucket) }));

export const POST = apiRoute<Params>(async (request, { bucket }, { audit }) =>
  json(await createRule(bucket, await readJsonBody(request, createMirrorRuleSchema), audit), 201),
);
