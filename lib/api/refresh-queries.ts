/**
 * After a change the server has committed: the queries it touches are marked stale and the ones on
 * screen fetched again. `invalidateQueries` alone does not promise that: for a query still waiting
 * for its first answer, TanStack Query joins the fetch in flight instead of starting another
 * (Query.fetch returns the running promise when there is no data yet), and that fetch may have been
 * answered before the change. The console then showed the old state as fresh for its staleTime:
 * a bucket created while the list was still loading was missing from it when the user went back.
 * Cancelling first makes the refetch a new request.
 */
import type { InvalidateQueryFilters, QueryClient } from "@tanstack/react-query";

export async function refreshQueries(queryClient: QueryClient, filters: InvalidateQueryFilters): Promise<void> {
  await queryClient.cancelQueries(filters);
  await queryClient.invalidateQueries(filters);
}
