/** TanStack Query for a bucket's origins' health (circuit breakers), refreshed while the page is open. */
import { queryOptions, useQuery } from "@tanstack/react-query";
import { apiFetch } from "@/lib/api/api-client";
import { bucketKeys } from "@/lib/buckets/bucket-queries";
import type { OriginHealthView } from "./origin-health";

/** A breaker opens and closes within seconds: poll while the rules are on screen. */
const REFRESH_MS = 5_000;

export const originHealthKeys = {
  list: (bucket: string) => [...bucketKeys.detail(bucket), "origins-health"] as const,
};

export const originsHealthQuery = (bucket: string) =>
  queryOptions({
    queryKey: originHealthKeys.list(bucket),
    queryFn: async () => (await apiFetch<{ origins: OriginHealthView[] }>(`/api/buckets/${encodeURIComponent(bucket)}/origins-health`)).origins,
    refetchInterval: REFRESH_MS,
  });

export const useOriginsHealth = (bucket: string) => useQuery(originsHealthQuery(bucket));
