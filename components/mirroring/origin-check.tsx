"use client";

/**
 * "Check the origin now": the server asks each address the rule computes for the key, for one byte
 * (through the same client and SSRF guard as a real miss), and this shows status, size, type and
 * time. Used by the rule form's preview and by "Test a key".
 */
import { useRef, useEffect } from "react";
import { Breakable } from "@/components/ui/breakable";
import { Button } from "@/components/ui/button";
import type { ApiRequestError } from "@/lib/api/api-client";
import type { OriginCheckRequest } from "@/lib/mirroring/origin-check";
import { useOriginCheck } from "@/lib/mirroring/rule-queries";
import type { ProbeTargetResult } from "@/lib/origin/origin-probe";
import { formatBytes } from "@/lib/format-bytes";

/** A size as the console writes it (formatBytes), with the exact count beside it above 1 KiB. */
function formatSize(bytes: number): string {
  return bytes < 1024 ? `${bytes} bytes` : `${formatBytes(bytes)} (${bytes.toLocaleString()} bytes)`;
}

function verdict(result: ProbeTargetResult["result"]): { text: string; good: boolean } {
  if (!result.ok) return { text: `Failed: ${result.message}`, good: false };
  if (result.status === 200 || result.status === 206) return { text: `Found (HTTP ${result.status})`, good: true };
  if (result.status === 404) return { text: "Not found (HTTP 404): a GET here would answer 404", good: false };
  return { text: `HTTP ${result.status}: a miss would fail`, good: false };
}

function TargetResult({ target, requestId }: { target: ProbeTargetResult; requestId: string }) {
  const { result } = target;
  const { text, good } = verdict(result);
  return (
    <li className="rounded border border-slate-200 bg-white p-2">
      <p className="font-medium">{target.role === "primary" ? "Origin" : "Backup origin"}</p>
      <p className="font-mono text-xs">
        <Breakable text={target.address} />
      </p>
      <p className={good ? "text-emerald-800" : "text-red-700"}>{text}</p>
      {result.ok && (
        <p className="text-slate-700">
          {result.size !== null ? formatSize(result.size) : "Size not given"} · {result.contentType ?? "no Content-Type"} · {result.timeMs} ms
          {result.finalAddress !== target.address && (
            <span className="block text-xs">
              After redirects: <Breakable text={result.finalAddress} />
            </span>
          )}
        </p>
      )}
      {!result.ok && (
        <p className="text-slate-700">
          {result.timeMs} ms · request id <span className="font-mono text-xs">{requestId}</span>
        </p>
      )}
    </li>
  );
}

export function OriginCheck({ bucket, request, disabledReason }: { bucket: string; request: () => OriginCheckRequest; disabledReason?: string | null }) {
  const check = useOriginCheck(bucket);
  const resultRef = useRef<HTMLDivElement>(null);
  // The answer takes the focus, so keyboard and screen-reader users land on it.
  useEffect(() => {
    if (check.data || check.error) resultRef.current?.focus();
  }, [check.data, check.error]);
  const error = check.error as ApiRequestError | null;

  return (
    <div className="space-y-2">
      <Button variant="secondary" disabled={check.isPending || !!disabledReason} onClick={() => check.mutate(request())} aria-describedby={disabledReason ? `${bucket}-check-disabled` : undefined}>
        {check.isPending ? "Checking the origin…" : "Check the origin now"}
      </Button>
      {disabledReason && (
        <p id={`${bucket}-check-disabled`} className="text-xs text-slate-700">
          {disabledReason}
        </p>
      )}
      {(check.data || error) && (
        <div ref={resultRef} tabIndex={-1} aria-label="Origin check result" role="group" className="space-y-1 text-sm focus:outline-2 focus:outline-brand-600">
          {error && (
            <p className="text-red-700">
              {error.message}
              {error.fieldErrors && ` ${Object.values(error.fieldErrors).flat().join(" ")}`}
            </p>
          )}
          {check.data && (
            <ul className="space-y-1">
              {check.data.targets.map((target) => (
                <TargetResult key={target.role} target={target} requestId={check.data.requestId} />
              ))}
            </ul>
          )}
        </div>
      )}
    </div>
  );
}
