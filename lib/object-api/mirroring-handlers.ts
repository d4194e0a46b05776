/** `PUT|GET|DELETE /v1/{bucket}?mirroring`: the bucket's rules in BOS's JSON. */
import type { IncomingMessage } from "node:http";
import type { BucketRecord } from "@/lib/buckets/bucket-record";
import { parseBosConfiguration } from "@/lib/mirroring/bos-json";
import { bosConfigurationOf, deleteAllRules, replaceRules } from "@/lib/mirroring/rule-service";
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

export async function getMirroring(ctx: ObjectApiContext, bucket: BucketRecord): Promise<void> {
  sendJson(ctx.res, 200, await bosConfigurationOf(bucket.name));
}

export async function putMirroring(ctx: ObjectApiContext, bucket: BucketRecord): Promise<void> {
  const parsed = parseBosConfiguration(await readJson(ctx.req), bucket.defaultStorageClass);
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
