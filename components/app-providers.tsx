"use client";

import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { Suspense, useState, type ReactNode } from "react";
import { NoticeProvider } from "@/components/ui/notices";
import { RouteFocus } from "@/components/ui/route-focus";
import { ApiRequestError } from "@/lib/api/api-client";

/** A 401 means the session ended (expired, signed out elsewhere): sign in again, then come back. */
function signInAgainOn401(error: unknown) {
  if (error instanceof ApiRequestError && error.status === 401) {
    // Query caches live outside React, so there is no router here; a full load also resets state.
    // eslint-disable-next-line @next/next/no-location-assign-relative-destination
    window.location.assign(`/sign-in?next=${encodeURIComponent(window.location.pathname + window.location.search)}`);
  }
}

export function AppProviders({ children }: { children: ReactNode }) {
  const [queryClient] = useState(
    () =>
      new QueryClient({
        queryCache: new QueryCache({ onError: signInAgainOn401 }),
        mutationCache: new MutationCache({ onError: signInAgainOn401 }),
        defaultOptions: {
          queries: {
            staleTime: 10_000,
            // A 4xx will not change by asking again; network and server errors may.
            retry: (failures, error) => failures < 2 && !(error instanceof ApiRequestError && error.status >= 400 && error.status < 500),
          },
        },
      }),
  );
  return (
    <QueryClientProvider client={queryClient}>
      <NoticeProvider>
        {/* useSearchParams: a page rendered ahead of time renders this part in the browser only. */}
        <Suspense fallback={null}>
          <RouteFocus />
        </Suspense>
        {children}
      </NoticeProvider>
    </QueryClientProvider>
  );
}
