import { ACTIVITY_RANGES, DEFAULT_ACTIVITY_RANGE, isActivityRange } from "@/lib/activity/activity-query";
import { bucketActivity } from "@/lib/activity/activity-service";
import { ApiError } from "@/lib/api/api-error";
import { apiRoute, json } from "@/lib/api/route-handler";

type Params = { bucket: string };

/** Back-to-origin counts per rule and over time; `?range=1h|6h|24h|48h|7d|30d|90d` (default 24h). */
export const GET = apiRoute<Params>(async (request, { bucket }) => {
  const range = new URL(request.url).searchParams.get("range") ?? DEFAULT_ACTIVITY_RANGE;
  if (!isActivityRange(range)) {
    throw new ApiError("ValidationFailed", "The range is not one of the offered ones.", { range: [`use one of ${Object.keys(ACTIVITY_RANGES).join(", ")}`] });
  }
  return json(await bucketActivity(bucket, range));
});
