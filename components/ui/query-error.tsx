import { ApiRequestError } from "@/lib/api/api-client";
import { Button } from "./button";

/** The error state of a query: what failed, the request id to quote, and a retry. */
export function QueryError({ error, what, onRetry }: { error: Error; what: string; onRetry?: () => void }) {
  const requestId = error instanceof ApiRequestError ? error.requestId : undefined;
  return (
    <div role="alert" className="rounded-md border border-red-200 bg-red-50 p-4 text-sm text-red-800">
      <p className="font-medium">Could not load {what}.</p>
      <p className="mt-1">{error.message}</p>
      {/* red-700 on red-50 is about 5.9:1; red-600 was 4.4:1, under WCAG AA's 4.5:1 for text of this size. */}
      {requestId && <p className="mt-1 text-xs text-red-700">Request id: {requestId}</p>}
      {onRetry && (
        <Button variant="secondary" className="mt-3" onClick={onRetry}>
          Try again
        </Button>
      )}
    </div>
  );
}
