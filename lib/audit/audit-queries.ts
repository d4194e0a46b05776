/** The audit log of a bucket, as an infinite query paging back in time. */
import { useInfiniteQuery } from "@tanstack/react-query";
import { apiFetch } from "@/lib/api/api-client";
import { bucketKeys } from "@/lib/buckets/bucket-queries";
import type { AuditEventView } from "./audit-log";

type Page = { events: AuditEventView[]; nextBefore: number | null };

export const useBucketAudit = (bucket: string) =>
  useInfiniteQuery({
    queryKey: [...bucketKeys.detail(bucket), "audit"],
    queryFn: ({ pageParam }) =>
      apiFetch<Page>(`/api/buckets/${encodeURIComponent(bucket)}/audit${pageParam ? `?before=${pageParam}` : ""}`),
    initialPageParam: 0,
    getNextPageParam: (last) => last.nextBefore ?? undefined,
  });
