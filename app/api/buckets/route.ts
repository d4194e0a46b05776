import { apiRoute, json, readJsonBody } from "@/lib/api/route-handler";
import { createBucketSchema } from "@/lib/buckets/bucket-name";
import { createBucket, listBuckets } from "@/lib/buckets/bucket-service";

export const GET = apiRoute(async () => json({ buckets: await listBuckets() }));

export const POST = apiRoute(async (request, _params, { audit }) =>
  json(await createBucket(await readJsonBody(request, createBucketSchema), audit), 201),
);
