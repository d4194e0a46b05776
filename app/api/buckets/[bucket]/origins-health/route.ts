import { apiRoute, json } from "@/lib/api/route-handler";
import { bucketOriginsHealth } from "@/lib/mirroring/origin-health-service";

type Params = { bucket: string };

/** The bucket's origins: circuit breaker state, requests in flight and waiting. */
export const GET = apiRoute<Params>(async (_request, { bucket }) => json({ origins: await bucketOriginsHealth(bucket) }));
