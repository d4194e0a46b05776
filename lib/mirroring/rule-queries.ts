/** TanStack Query keys, queries and mutations for a bucket's mirror rules. */
import { queryOptions, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { apiFetch } from "@/lib/api/api-client";
import { bucketKeys } from "@/lib/buckets/bucket-queries";
import type { MirrorRule, StoredMirrorRule } from "./rule-schema";

export const ruleKeys = {
  list: (bucket: string) => [...bucketKeys.detail(bucket), "rules"] as const,
  detail: (bucket: string, id: number) => [...ruleKeys.list(bucket), id] as const,
};

const rulesPath = (bucket: string) => `/api/buckets/${encodeURIComponent(bucket)}/mirroring/rules`;

export const rulesQuery = (bucket: string) =>
  queryOptions({
    queryKey: ruleKeys.list(bucket),
    queryFn: async () => (await apiFetch<{ rules: StoredMirrorRule[] }>(rulesPath(bucket))).rules,
  });

export const ruleQuery = (bucket: string, id: number) =>
  queryOptions({
    queryKey: ruleKeys.detail(bucket, id),
    queryFn: () => apiFetch<StoredMirrorRule>(`${rulesPath(bucket)}/${id}`),
  });

export const useRules = (bucket: string) => useQuery(rulesQuery(bucket));
export const useRule = (bucket: string, id: number) => useQuery(ruleQuery(bucket, id));

/** Any rule change alters the list, the rule counts of the bucket, and the rule itself. */
function useInvalidateBucket(bucket: string) {
  const queryClient = useQueryClient();
  return () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: bucketKeys.detail(bucket) }),
      queryClient.invalidateQueries({ queryKey: bucketKeys.all, exact: true }),
    ]);
}

export function useCreateRule(bucket: string) {
  const invalidate = useInvalidateBucket(bucket);
  return useMutation({
    mutationFn: (rule: MirrorRule) => apiFetch<StoredMirrorRule>(rulesPath(bucket), { method: "POST", body: rule }),
    onSuccess: invalidate,
  });
}

export function useUpdateRule(bucket: string, id: number) {
  const invalidate = useInvalidateBucket(bucket);
  return useMutation({
    mutationFn: (input: { rule: MirrorRule; version: number }) =>
      apiFetch<StoredMirrorRule>(`${rulesPath(bucket)}/${id}`, { method: "PUT", body: { ...input.rule, version: input.version } }),
    onSuccess: invalidate,
  });
}

export function useDeleteRule(bucket: string) {
  const invalidate = useInvalidateBucket(bucket);
  return useMutation({
    mutationFn: (id: number) => apiFetch<void>(`${rulesPath(bucket)}/${id}`, { method: "DELETE" }),
    onSuccess: invalidate,
  });
}
