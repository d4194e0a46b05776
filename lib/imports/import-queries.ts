/** TanStack Query keys, queries and mutations for a bucket's import jobs (under bucketKeys.detail). */
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { refreshQueries } from "@/lib/api/refresh-queries";
import { apiFetch } from "@/lib/api/api-client";
import { bucketKeys } from "@/lib/buckets/bucket-queries";
import type { CreateImportRequest, ImportFailuresPage, ImportJobView, ImportLimits } from "./import-schema";

export const importKeys = {
  all: (bucket: string) => [...bucketKeys.detail(bucket), "imports"] as const,
  failures: (bucket: string, id: number) => [...importKeys.all(bucket), id, "failures"] as const,
};

const base = (bucket: string) => `/api/buckets/${encodeURIComponent(bucket)}/imports`;
/** How often a page with a job under way asks again. */
const LIVE_REFRESH_MS = 1000;

export const failuresCsvUrl = (bucket: string, id: number) => `${base(bucket)}/${id}/failures?format=csv`;

export const useImportJobs = (bucket: string) =>
  useQuery({
    queryKey: importKeys.all(bucket),
    queryFn: async () => (await apiFetch<{ jobs: ImportJobView[] }>(base(bucket))).jobs,
    refetchInterval: (query) => (query.state.data?.some((job) => job.state === "running" || job.state === "queued") ? LIVE_REFRESH_MS : false),
  });

export const useImportFailures = (bucket: string, id: number, failed: number) =>
  useInfiniteQuery({
    queryKey: [...importKeys.failures(bucket, id), failed],
    queryFn: ({ pageParam }) => apiFetch<ImportFailuresPage>(`${base(bucket)}/${id}/failures?limit=50&after=${pageParam}`),
    initialPageParam: 0,
    getNextPageParam: (last) => last.nextAfter ?? undefined,
  });

/** A pasted key list goes as text/plain (streamed by the server); an origin to list goes as JSON. */
export type StartImportInput = { kind: "list"; text: string; limits: ImportLimits } | { kind: "json"; request: CreateImportRequest };

export function useStartImport(bucket: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: StartImportInput) => {
      if (input.kind === "json") return apiFetch<ImportJobView>(base(bucket), { method: "POST", body: input.request });
      const query = new URLSearchParams({ concurrency: String(input.limits.concurrency), overwrite: String(input.limits.overwrite) });
      if (input.limits.requestsPerSecond !== null) query.set("requestsPerSecond", String(input.limits.requestsPerSecond));
      if (input.limits.bytesPerSecond !== null) query.set("bytesPerSecond", String(input.limits.bytesPerSecond));
      return apiFetch<ImportJobView>(`${base(bucket)}?${query}`, { method: "POST", text: input.text });
    },
    onSuccess: () => refreshQueries(queryClient, { queryKey: importKeys.all(bucket) }),
  });
}

export type ImportAction = "pause" | "resume" | "cancel" | "retry-failed";

export function useImportAction(bucket: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, action }: { id: number; action: ImportAction }) => apiFetch<ImportJobView>(`${base(bucket)}/${id}/${action}`, { method: "POST" }),
    onSuccess: () => refreshQueries(queryClient, { queryKey: importKeys.all(bucket) }),
  });
}
