/**
 * TanStack Query keys, queries and mutations for the console's object browser. Every key starts
 * with the bucket's (bucketKeys.detail), so a change to objects also refreshes the bucket's counts.
 */
import { keepPreviousData, queryOptions, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { refreshQueries } from "@/lib/api/refresh-queries";
import { apiFetch } from "@/lib/api/api-client";
import { useEffect } from "react";
import { bucketKeys, bucketQuery } from "@/lib/buckets/bucket-queries";
import type { DeleteObjectsResult, EmptyJobView, ObjectListing, PresignInput, PresignedLink } from "./object-browser-schema";

export const objectKeys = {
  all: (bucket: string) => [...bucketKeys.detail(bucket), "objects"] as const,
  page: (bucket: string, page: { prefix: string; marker: string; maxKeys: number }) => [...objectKeys.all(bucket), "page", page] as const,
  emptying: (bucket: string) => [...bucketKeys.detail(bucket), "emptying"] as const,
};

export const objectsBase = (bucket: string) => `/api/buckets/${encodeURIComponent(bucket)}/objects`;

/** Where to download an object from (same-origin, the session cookie goes along). */
export const downloadUrl = (bucket: string, key: string) => `${objectsBase(bucket)}/content?key=${encodeURIComponent(key)}`;

export function useObjectPage(bucket: string, page: { prefix: string; marker: string; maxKeys: number }) {
  return useQuery(
    queryOptions({
      queryKey: objectKeys.page(bucket, page),
      queryFn: () => apiFetch<ObjectListing>(`${objectsBase(bucket)}?${new URLSearchParams({ ...page, maxKeys: String(page.maxKeys) })}`),
      // Keep showing the old page while the next one loads, so the table does not jump.
      placeholderData: keepPreviousData,
    }),
  );
}

/** Objects changed: the listings and the bucket's summary (object count) are stale. */
export function useInvalidateObjects(bucket: string) {
  const queryClient = useQueryClient();
  return () => refreshQueries(queryClient, { queryKey: bucketKeys.detail(bucket) });
}

export function useDeleteObjects(bucket: string) {
  const invalidate = useInvalidateObjects(bucket);
  return useMutation({
    mutationFn: (keys: string[]) => apiFetch<DeleteObjectsResult>(`${objectsBase(bucket)}/delete`, { method: "POST", body: { keys } }),
    onSuccess: () => invalidate(),
  });
}

export function usePresignLink(bucket: string) {
  return useMutation({
    mutationFn: (input: PresignInput) => apiFetch<PresignedLink>(`${objectsBase(bucket)}/presign`, { method: "POST", body: input }),
  });
}

/**
 * The bucket's emptying job; polled every second while it runs. When it has ended, the bucket's
 * object count (which decides whether it can be deleted) and its listings are refreshed.
 */
export function useEmptyingJob(bucket: string) {
  const queryClient = useQueryClient();
  const job = useQuery({
    queryKey: objectKeys.emptying(bucket),
    queryFn: async () => (await apiFetch<{ job: EmptyJobView | null }>(`${objectsBase(bucket)}/empty`)).job,
    refetchInterval: (query) => (query.state.data?.state === "running" ? 1000 : false),
    staleTime: 0,
  });
  const ended = job.data && job.data.state !== "running" ? job.data.id : null;
  useEffect(() => {
    if (ended === null) return;
    void refreshQueries(queryClient, { queryKey: bucketQuery(bucket).queryKey });
    void refreshQueries(queryClient, { queryKey: objectKeys.all(bucket) });
  }, [ended, bucket, queryClient]);
  return job;
}

export function useStartEmptying(bucket: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async () => (await apiFetch<{ job: EmptyJobView; started: boolean }>(`${objectsBase(bucket)}/empty`, { method: "POST" })).job,
    onSuccess: (job) => queryClient.setQueryData(objectKeys.emptying(bucket), job),
  });
}
