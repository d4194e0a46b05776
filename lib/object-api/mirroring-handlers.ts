/** `PUT|GET|DELETE /v1/{bucket}?mirroring`: the bucket's rules in BOS's JSON. */
import type { BucketRecord } from "@/lib/buckets/bucket-record";
import { parseBosConfiguration } from "@/lib/mirroring/bos-json";
import { bosConfigurationOf, deleteAllRules, replaceRules } from "@/lib/mirroring/rule-service";
import { BosError, sendJson } from "./bos-error";
import type { ObjectApiContext } from "./context";
import { readJsonBody } from "./json-body";

const MAX_BODY_BYTES = 1024 * 1024;

export async function getMirroring(ctx: ObjectApiContext, bucket: BucketRecord): Promise<void> {
  sendJson(ctx.res, 200, await bosConfigurationOf(bucket.name));
}

export async function putMirroring(ctx: ObjectApiContext, bucket: BucketRecord): Promise<void> {
  const parsed = parseBosConfiguration(await readJsonBody(ctx.req, MAX_BODY_BYTES, "The configuration"), bucket.defaultStorageClass);
  if (!parsed.ok) throw new BosError("InvalidArgument", parsed.message);
  await replaceRules(bucket.name, parsed.rules, ctx.audit);
  ctx.res.writeHead(200, { "content-length": 0 });
  ctx.res.end();
}

export async function deleteMirroring(ctx: ObjectApiContext, bucket: BucketRecord): Promise<void> {
  await deleteAllRules(bucket.name, ctx.audit);
  ctx.res.writeHead(204);
  ctx.res.end();
}
