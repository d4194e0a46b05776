import { z } from "zod";
import { apiRoute, json, noContent, readJsonBody } from "@/lib/api/route-handler";
import { BUCKET_ACLS } from "@/lib/buckets/bucket-acl";
import { deleteBucket, getBucket, setBucketAcl } from "@/lib/buckets/bucket-service";

type Params = { bucket: string };

const updateBucketSchema = z.object({ acl: z.enum(BUCKET_ACLS, "Choose private or public-read.") });

export const GET = apiRoute<Params>(async (_request, { bucket }) => json(await getBucket(bucket)));

export const PATCH = apiRoute<Params>(async (request, { bucket }, { audit }) => {
  const { acl } = await readJsonBody(request, updateBucketSchema);
  return json(await setBucketAcl(bucket, acl, audit));
});

export const DELETE = apiRoute<Params>(async (_request, { bucket }, { audit }) => {
  await deleteBucket(bucket, audit);
  return noContent();
});
