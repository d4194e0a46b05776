/** "Test a key": is this key stored? A stored key is served from the bucket; back-to-origin does not run. */
import { ApiError } from "@/lib/api/api-error";
import { apiRoute, json } from "@/lib/api/route-handler";
import { findBucketRecord } from "@/lib/buckets/bucket-service";
import { NoSuchBucket } from "@/lib/domain/errors";
import { objectKeySchema, type KeyStatus } from "@/lib/mirroring/origin-check";
import { currentApp } from "@/lib/runtime/current-app";

type Params = { bucket: string };

export const GET = apiRoute<Params>(async (request, { bucket: name }) => {
  const parsed = objectKeySchema.safeParse(new URL(request.url).searchParams.get("key") ?? "");
  if (!parsed.success) throw new ApiError("ValidationFailed", parsed.error.issues[0]!.message, { key: parsed.error.issues.map((issue) => issue.message) });
  const bucket = await findBucketRecord(name);
  if (!bucket) throw new NoSuchBucket(name);
  const object = await currentApp().objects.find(bucket.id, parsed.data);
  const status: KeyStatus = {
    key: parsed.data,
    stored: object && {
      size: object.size,
      etag: object.etag,
      contentType: object.httpMeta["content-type"] ?? null,
      lastModified: object.lastModified.toISOString(),
      sourceUrl: object.sourceUrl,
    },
  };
  return json(status);
});
