/** TanStack Query keys, queries and mutations for a bucket's mirror rules. */
import { queryOptions, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { refreshQueries } from "@/lib/api/refresh-queries";
import { apiFetch } from "@/lib/api/api-client";
import { bucketKeys } from "@/lib/buckets/bucket-queries";
import type { BosMirrorRule } from "./bos-json";
import type { KeyStatus, OriginCheckRequest } from "./origin-check";
import type { MirrorRule, StoredMirrorRule } from "./rule-schema";
import type { ProbeReport } from "@/lib/origin/origin-probe";

export const ruleKeys = {
  list: (bucket: string) => [...bucketKeys.detail(bucket), "rules"] as const,
  detail: (bucket: string, id: number) => [...ruleKeys.list(bucket), id] as const,
  keyStatus: (bucket: string, key: string) => [...bucketKeys.detail(bucket), "key-status", key] as const,
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
      refreshQueries(queryClient, { queryKey: bucketKeys.detail(bucket) }),
      refreshQueries(queryClient, { queryKey: bucketKeys.all, exact: true }),
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

export function useSetRuleEnabled(bucket: string) {
  const invalidate = useInvalidateBucket(bucket);
  return useMutation({
    mutationFn: (input: { id: number; enabled: boolean }) =>
      apiFetch<StoredMirrorRule>(`${rulesPath(bucket)}/${input.id}`, { method: "PATCH", body: { enabled: input.enabled } }),
    onSuccess: invalidate,
  });
}

export type BosConfiguration = { bucketMirroringConfiguration: BosMirrorRule[] };

const bosJsonPath = (bucket: string) => `/api/buckets/${encodeURIComponent(bucket)}/mirroring/bos-json`;

/** The rules in force, in BOS's JSON (read when the user exports, never cached). */
export const fetchBosConfiguration = (bucket: string) => apiFetch<BosConfiguration>(bosJsonPath(bucket));

export function useImportBosConfiguration(bucket: string) {
  const invalidate = useInvalidateBucket(bucket);
  return useMutation({
    mutationFn: (configuration: unknown) => apiFetch<{ rules: StoredMirrorRule[] }>(bosJsonPath(bucket), { method: "PUT", body: configuration }),
    onSuccess: invalidate,
  });
}

/** Whether a key is stored (then back-to-origin never runs for it). */
export const useKeyStatus = (bucket: string, key: string) =>
  useQuery({
    queryKey: ruleKeys.keyStatus(bucket, key),
    queryFn: () => apiFetch<KeyStatus>(`/api/buckets/${encodeURIComponent(bucket)}/mirroring/key-status?key=${encodeURIComponent(key)}`),
    enabled: key !== "",
    staleTime: 5_000,
  });

/** "Check the origin now": the server asks the rule's address(es) for the key, for one byte. */
export const useOriginCheck = (bucket: string) =>
  useMutation({
    mutationFn: (request: OriginCheckRequest) =>
      apiFetch<ProbeReport>(`/api/buckets/${encodeURIComponent(bucket)}/mirroring/origin-check`, { method: "POST", body: request }),
  });
