/** TanStack Query keys, queries and mutations for buckets. Keys are hierarchical: every
 * bucket-scoped key (rules included) starts with bucketKeys.detail(name). */
import { queryOptions, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { refreshQueries } from "@/lib/api/refresh-queries";
import { apiFetch } from "@/lib/api/api-client";
import type { BucketAcl } from "./bucket-acl";
import type { CreateBucketInput } from "./bucket-name";
import type { BucketDetails, BucketSummary } from "./bucket-service";

export const bucketKeys = {
  all: ["buckets"] as const,
  detail: (name: string) => [...bucketKeys.all, name] as const,
};

export const bucketsQuery = () =>
  queryOptions({
    queryKey: bucketKeys.all,
    queryFn: async () => (await apiFetch<{ buckets: BucketSummary[] }>("/api/buckets")).buckets,
  });

export const bucketQuery = (name: string) =>
  queryOptions({
    queryKey: [...bucketKeys.detail(name), "summary"] as const,
    queryFn: () => apiFetch<BucketDetails>(`/api/buckets/${encodeURIComponent(name)}`),
  });

export const useBuckets = () => useQuery(bucketsQuery());
export const useBucket = (name: string) => useQuery(bucketQuery(name));

export function useCreateBucket() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: CreateBucketInput) => apiFetch<BucketSummary>("/api/buckets", { method: "POST", body: input }),
    onSuccess: () => refreshQueries(queryClient, { queryKey: bucketKeys.all }),
  });
}

export function useDeleteBucket() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (name: string) => apiFetch<void>(`/api/buckets/${encodeURIComponent(name)}`, { method: "DELETE" }),
    onSuccess: (_data, name) => {
      queryClient.removeQueries({ queryKey: bucketKeys.detail(name) });
      return refreshQueries(queryClient, { queryKey: bucketKeys.all });
    },
  });
}

export function useSetBucketAcl(name: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (acl: BucketAcl) => apiFetch<BucketSummary>(`/api/buckets/${encodeURIComponent(name)}`, { method: "PATCH", body: { acl } }),
    onSuccess: () => refreshQueries(queryClient, { queryKey: bucketKeys.detail(name) }),
  });
}
