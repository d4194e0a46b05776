/** `PUT|GET|DELETE /v1/{bucket}?mirroring`: the bucket's rules in BOS's JSON. */
import type { IncomingMessage } from "node:http";
import type { BucketRecord } from "@/lib/buckets/bucket-record";
import { bosMirroringConfigurationSchema, fromBosRule, toBosRule } from "@/lib/mirroring/bos-json";
import { mirrorRuleSchema, type MirrorRule } from "@/lib/mirroring/rule-schema";
import { deleteAllRules, listRules, replaceRules } from "@/lib/mirroring/rule-service";
import { BosError, sendJson } from "./bos-error";
import type { ObjectApiContext } from "./context";

const MAX_BODY_BYTES = 1024 * 1024;

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new BosError("EntityTooLarge", `The configuration is larger than ${MAX_BODY_BYTES} bytes.`);
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch (error) {
    throw new BosError("MalformedJSON", `The body is not valid JSON: ${(error as Error).message}`);
  }
}

/**
 * BOS has no disabled rules: the configuration lists the rules in force, so a BOS client (or BOS
 * itself) given this JSON does what this bucket does. A PUT replaces every rule, disabled ones too.
 */
export async function getMirroring(ctx: ObjectApiContext, bucket: BucketRecord): Promise<void> {
  const rules = await listRules(bucket.name);
  sendJson(ctx.res, 200, { bucketMirroringConfiguration: rules.filter((rule) => rule.enabled).map(toBosRule) });
}

export async function putMirroring(ctx: ObjectApiContext, bucket: BucketRecord): Promise<void> {
  const parsed = bosMirroringConfigurationSchema.safeParse(await readJson(ctx.req));
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
