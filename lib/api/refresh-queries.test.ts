import { QueryClient, QueryObserver } from "@tanstack/react-query";
import { afterEach, describe, expect, it } from "vitest";
import { refreshQueries } from "./refresh-queries";

/**
 * The console's list, on screen (an observer), whose first load is still in flight when a change
 * commits: the server answered that load with the state before the change.
 */
function listLoadingWhenTheChangeCommits() {
  const server = { buckets: ["photos"] };
  const answers: Array<() => void> = [];
  let requests = 0;
  const queryClient = new QueryClient({ defaultOptions: { queries: { staleTime: 10_000, retry: false } } });
  const observer = new QueryObserver<string[]>(queryClient, {
    queryKey: ["buckets"],
    // The answer is what the server held when the request arrived, sent when the test says so.
    queryFn: () => {
      requests += 1;
      const answer = [...server.buckets];
      return new Promise<string[]>((resolve) => answers.push(() => resolve(answer)));
    },
  });
  const unsubscribe = observer.subscribe(() => {});
  const answerAll = () => {
    while (answers.length > 0) answers.shift()!();
  };
  /** The requests made so far, once there are `count` (after a few turns of the loop at most). */
  const requestsMade = async (count: number) => {
    for (let i = 0; i < 20 && requests < count; i++) await new Promise((resolve) => setTimeout(resolve, 0));
    return requests;
  };
  return { server, queryClient, observer, answerAll, requestsMade, unsubscribe };
}

const settled = async (queryClient: QueryClient) => {
  // Let every fetch's promise and the cache's notifications run.
  for (let i = 0; i < 5 && queryClient.isFetching() > 0; i++) await new Promise((resolve) => setTimeout(resolve, 0));
};

let cleanup: (() => void) | null = null;
afterEach(() => {
  cleanup?.();
  cleanup = null;
});

describe("refreshQueries", () => {
  it("fetches again when a first load answered before the change is still in flight", async () => {
    const list = listLoadingWhenTheChangeCommits();
    cleanup = list.unsubscribe;
    expect(await list.requestsMade(1)).toBe(1);
    list.server.buckets.push("created");
    const refreshed = refreshQueries(list.queryClient, { queryKey: ["buckets"] });
    expect(await list.requestsMade(2)).toBe(2);
    list.answerAll();
    await refreshed;
    await settled(list.queryClient);
    expect(list.observer.getCurrentResult().data).toEqual(["photos", "created"]);
    expect(list.observer.getCurrentResult().isStale).toBe(false);
  });

  it("fetches again when the list already has data (the common case)", async () => {
    const list = listLoadingWhenTheChangeCommits();
    cleanup = list.unsubscribe;
    list.answerAll();
    await settled(list.queryClient);
    expect(list.observer.getCurrentResult().data).toEqual(["photos"]);
    list.server.buckets.push("created");
    const refreshed = refreshQueries(list.queryClient, { queryKey: ["buckets"] });
    expect(await list.requestsMade(2)).toBe(2);
    list.answerAll();
    await refreshed;
    expect(list.observer.getCurrentResult().data).toEqual(["photos", "created"]);
  });

  // Why the helper exists: invalidateQueries alone joins the load in flight, and the old answer
  // then stands as fresh data. If this starts failing after an upgrade, TanStack Query no longer
  // does that, and the helper can go.
  it("is needed: invalidateQueries alone keeps the answer from before the change", async () => {
    const list = listLoadingWhenTheChangeCommits();
    cleanup = list.unsubscribe;
    list.server.buckets.push("created");
    const invalidated = list.queryClient.invalidateQueries({ queryKey: ["buckets"] });
    // No second request: the first one, made before the change, is joined.
    expect(await list.requestsMade(2)).toBe(1);
    list.answerAll();
    await invalidated;
    await settled(list.queryClient);
    expect(list.observer.getCurrentResult().data).toEqual(["photos"]);
    expect(list.observer.getCurrentResult().isStale).toBe(false);
  });
});
