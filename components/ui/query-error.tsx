import { ApiRequestError } from "@/lib/api/api-client";
import { Button } from "./button";

/** The error state of a query: what failed, the request id to quote, and a retry. */
export function QueryError({ error, what, onRetry }: { error: Error; what: string; onRetry?: () => void }) {
  const requestId = error instanceof ApiRequestError ? error.requestId : undefined;
  return (
    <div role="alert" className="rounded-md border border-red-200 bg-red-50 p-4 text-sm text-red-800">
      <p className="font-medium">Could not load {what}.</p>
      <p className="mt-1">{error.message}</p>
      {requestId && <p className="mt-1 text-xs text-red-600">Request id: {requestId}</p>}
      {onRetry && (
        <Button variant="secondary" className="mt-3" onClick={onRetry}>
          Try again
        </Button>
      )}
    </div>
  );
}
