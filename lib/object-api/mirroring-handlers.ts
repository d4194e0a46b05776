/** `PUT|GET|DELETE /v1/{bucket}?mirroring`: the bucket's rules in BOS's JSON. */
import type { BucketRecord } from "@/lib/buckets/bucket-record";
import { bosMirroringConfigurationSchema, fromBosRule, toBosRule } from "@/lib/mirroring/bos-json";
import { mirrorRuleSchema, type MirrorRule } from "@/lib/mirroring/rule-schema";
import { deleteAllRules, listRules, replaceRules } from "@/lib/mirroring/rule-service";
import { BosError, sendJson } from "./bos-error";
import type { ObjectApiContext } from "./context";
import { readJsonBody } from "./json-body";

const MAX_BODY_BYTES = 1024 * 1024;

export async function getMirroring(ctx: ObjectApiContext, bucket: BucketRecord): Promise<void> {
  const rules = await listRules(bucket.name);
  sendJson(ctx.res, 200, { bucketMirroringConfiguration: rules.map(toBosRule) });
}

export async function putMirroring(ctx: ObjectApiContext, bucket: BucketRecord): Promise<void> {
  const parsed = bosMirroringConfigurationSchema.safeParse(await readJsonBody(ctx.req, MAX_BODY_BYTES, "The configuration"));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new BosError("InvalidArgument", `${issue.path.join(".") || "body"}: ${issue.message}`);
  }
  const rules: MirrorRule[] = parsed.data.bucketMirroringConfiguration.map((bosRule, index) => {
    let input;
    try {
      input = fromBosRule(bosRule, bucket.defaultStorageClass);
    } catch (error) {
      throw new BosError("InvalidArgument", `Rule ${index + 1}: ${(error as Error).message}.`);
    }
    const result = mirrorRuleSchema.safeParse(input);
    if (!result.success) {
      const problems = result.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
      throw new BosError("InvalidArgument", `Rule ${index + 1}: ${problems.join("; ")}`);
    }
    return result.data;
  });
  await replaceRules(bucket.name, rules, ctx.audit);
  ctx.res.writeHead(200, { "content-length": 0 });
  ctx.res.end();
}

export async function deleteMirroring(ctx: ObjectApiContext, bucket: BucketRecord): Promise<void> {
  await deleteAllRules(bucket.name, ctx.audit);
  ctx.res.writeHead(204);
  ctx.res.end();
}
