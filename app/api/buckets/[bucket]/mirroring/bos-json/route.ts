/**
 * The console's export and import of a bucket's rules in BOS's JSON: the same configuration as the
 * object API's `GET|PUT /v1/{bucket}?mirroring`, read and written by the same functions.
 */
import { ApiError } from "@/lib/api/api-error";
import { apiRoute, json, readJsonBody } from "@/lib/api/route-handler";
import { getBucket } from "@/lib/buckets/bucket-service";
import { bosMirroringConfigurationSchema, parseBosConfiguration } from "@/lib/mirroring/bos-json";
import { bosConfigurationOf, replaceRules } from "@/lib/mirroring/rule-service";

type Params = { bucket: string };

export const GET = apiRoute<Params>(async (_request, { bucket }) => json(await bosConfigurationOf(bucket)));

/** Replaces every rule of the bucket (disabled ones too) with the configuration's, in one transaction. */
export const PUT = apiRoute<Params>(async (request, { bucket }, { audit }) => {
  const body = await readJsonBody(request, bosMirroringConfigurationSchema);
  const { defaultStorageClass } = await getBucket(bucket);
  const parsed = parseBosConfiguration(body, defaultStorageClass);
  if (!parsed.ok) throw new ApiError("ValidationFailed", parsed.message);
  const rules = await replaceRules(bucket, parsed.rules, audit);
  return json({ rules });
});
