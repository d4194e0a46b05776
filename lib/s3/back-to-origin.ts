/**
 * GetObject or HeadObject of a missing key: the bucket's mirror rules through the same engine and
 * the same `miss()` as a BOS GET (single-flight, rule decision, redirect queue, loop guard),
 * answered with S3 headers and S3 errors. A HeadObject that a fetch-mode rule covers waits until
 * the object is fetched, verified and stored, then answers from it (a redirect-mode rule answers
 * 302, as for GetObject).
 */
import { answerMiss } from "@/lib/http/answer-miss";
import type { BucketRecord } from "@/lib/buckets/bucket-record";
import type { S3Context } from "./context";
import { responseOverrides, serveS3Object } from "./serve-object";

export async function backToOrigin(ctx: S3Context, bucket: BucketRecord, key: string): Promise<void> {
  const overrides = responseOverrides(ctx);
  return answerMiss({ ...ctx, rawQuery: ctx.target.rawQuery }, bucket, key, {
    serveStored: (object) => serveS3Object(ctx, object),
    streamHeaders: (storageClass) => ({ ...overrides, "x-amz-storage-class": storageClass }),
  });
}
