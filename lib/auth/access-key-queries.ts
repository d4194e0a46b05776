/** TanStack Query keys, queries and mutations for access keys. */
import { queryOptions, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { refreshQueries } from "@/lib/api/refresh-queries";
import { apiFetch } from "@/lib/api/api-client";
import type { AccessKeySummary } from "./access-key-service";

export const accessKeyKeys = { all: ["access-keys"] as const };

const accessKeysQuery = () =>
  queryOptions({
    queryKey: accessKeyKeys.all,
    queryFn: async () => (await apiFetch<{ accessKeys: AccessKeySummary[] }>("/api/access-keys")).accessKeys,
  });

export const useAccessKeys = () => useQuery(accessKeysQuery());

function useInvalidatingMutation<T, V>(mutationFn: (variables: V) => Promise<T>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn,
    // Key changes also add to the audit log shown beside them.
    onSuccess: () => Promise.all([accessKeyKeys.all, ["audit"]].map((queryKey) => refreshQueries(queryClient, { queryKey }))),
  });
}

export const useCreateAccessKey = () =>
  useInvalidatingMutation((description: string) =>
    apiFetch<AccessKeySummary & { secretKey: string }>("/api/access-keys", { method: "POST", body: { description } }),
  );

export const useSetAccessKeyEnabled = () =>
  useInvalidatingMutation(({ accessKeyId, enabled }: { accessKeyId: string; enabled: boolean }) =>
    apiFetch<AccessKeySummary>(`/api/access-keys/${accessKeyId}`, { method: "PATCH", body: { enabled } }),
  );

export const useDeleteAccessKey = () =>
  useInvalidatingMutation((accessKeyId: string) => apiFetch<void>(`/api/access-keys/${accessKeyId}`, { method: "DELETE" }));
