import { apiRoute, json, noContent } from "@/lib/api/route-handler";
import { deleteBucket, getBucket } from "@/lib/buckets/bucket-service";

type Params = { bucket: string };

export const GET = apiRoute<Params>(async (_request, { bucket }) => json(await getBucket(bucket)));

export const DELETE = apiRoute<Params>(async (_request, { bucket }) => {
  await deleteBucket(bucket);
  return noContent();
});
