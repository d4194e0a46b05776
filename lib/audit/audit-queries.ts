/** An audit log (a bucket's, or the one of changes outside buckets), as an infinite query paging back in time. */
import { useInfiniteQuery } from "@tanstack/react-query";
import { apiFetch } from "@/lib/api/api-client";
import { bucketKeys } from "@/lib/buckets/bucket-queries";
import type { AuditEventView } from "./audit-log";

type Page = { events: AuditEventView[]; nextBefore: number | null };

/** `bucket: null` is the log of access keys and other changes that belong to no bucket. */
export const useAuditLog = (bucket: string | null) =>
  useInfiniteQuery({
    queryKey: bucket === null ? ["audit"] : [...bucketKeys.detail(bucket), "audit"],
    queryFn: ({ pageParam }) => {
      const path = bucket === null ? "/api/audit" : `/api/buckets/${encodeURIComponent(bucket)}/audit`;
      return apiFetch<Page>(`${path}${pageParam ? `?before=${pageParam}` : ""}`);
    },
    initialPageParam: 0,
    getNextPageParam: (last) => last.nextBefore ?? undefined,
  });
