/** TanStack Query hooks for a bucket's back-to-origin activity and recent events (browser). */
import { keepPreviousData, useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { apiFetch } from "@/lib/api/api-client";
import { bucketKeys } from "@/lib/buckets/bucket-queries";
import type { MirrorOutcomeKind } from "@/lib/origin/mirror-outcome";
import type { ActivityRange, BucketActivity, MirrorEventsPage } from "./activity-query";

/** Activity changes while a migration runs: the tab refreshes itself this often. */
const REFRESH_MS = 15_000;

export const activityKeys = {
  all: (bucket: string) => [...bucketKeys.detail(bucket), "activity"] as const,
  counts: (bucket: string, range: ActivityRange) => [...activityKeys.all(bucket), "counts", range] as const,
  events: (bucket: string, outcomes: readonly MirrorOutcomeKind[]) => [...activityKeys.all(bucket), "events", outcomes.join(",")] as const,
};

const bucketPath = (bucket: string) => `/api/buckets/${encodeURIComponent(bucket)}`;

export const useBucketActivity = (bucket: string, range: ActivityRange) =>
  useQuery({
    queryKey: activityKeys.counts(bucket, range),
    queryFn: () => apiFetch<BucketActivity>(`${bucketPath(bucket)}/activity?range=${range}`),
    refetchInterval: REFRESH_MS,
    placeholderData: keepPreviousData,
  });

export const useMirrorEvents = (bucket: string, outcomes: readonly MirrorOutcomeKind[]) =>
  useInfiniteQuery({
    queryKey: activityKeys.events(bucket, outcomes),
    queryFn: ({ pageParam }) => {
      const query = new URLSearchParams({ limit: "25" });
      if (outcomes.length > 0) query.set("outcome", outcomes.join(","));
      if (pageParam) query.set("before", String(pageParam));
      return apiFetch<MirrorEventsPage>(`${bucketPath(bucket)}/mirror-events?${query}`);
    },
    initialPageParam: 0,
    getNextPageParam: (last) => last.nextBefore ?? undefined,
    refetchInterval: REFRESH_MS,
  });
