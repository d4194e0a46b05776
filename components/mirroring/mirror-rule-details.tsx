"use client";

import { notFound } from "next/navigation";
import type { ReactNode } from "react";
import { ArrivalHeading } from "@/components/ui/arrival-heading";
import { Breakable } from "@/components/ui/breakable";
import { ButtonLink } from "@/components/ui/button";
import { QueryError } from "@/components/ui/query-error";
import { ApiRequestError } from "@/lib/api/api-client";
import { Spinner } from "@/components/ui/spinner";
import { describeHeaderForwarding } from "@/lib/mirroring/origin-headers";
import { computeOriginAddress, formatOriginTarget } from "@/lib/mirroring/origin-address";
import { defaultSampleKey } from "@/lib/mirroring/rule-preview";
import { useRule } from "@/lib/mirroring/rule-queries";
import { MODE_LABELS, formatCondition, formatOrigin, formatRewrite, formatStorageClass } from "./rule-format";

/** A value as text (a condition, a host, a key) wraps after / . - and the like, never inside a word. */
function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <>
      <dt className="text-slate-600">{label}</dt>
      <dd className="min-w-0">{typeof children === "string" ? <Breakable text={children} /> : children}</dd>
    </>
  );
}

export function MirrorRuleDetails({ bucket, ruleId }: { bucket: string; ruleId: number }) {
  const rule = useRule(bucket, ruleId);
  if (rule.isPending) return <Spinner label="Loading rule" />;
  if (rule.isError) {
    // Deleted since the server found it (in another tab): the page's not-found state, as for a
    // number that never was, not a "Try again" that cannot bring it back.
    if (rule.error instanceof ApiRequestError && rule.error.code === "NoSuchRule") notFound();
    return <QueryError error={rule.error} what={`rule #${ruleId}`} onRetry={() => void rule.refetch()} />;
  }
  const data = rule.data;
  const sample = defaultSampleKey(data.conditionPrefix, data.conditionSuffix);
  const address = computeOriginAddress(data, sample);
  const { headers } = data;

  return (
    <section aria-labelledby="rule-title" className="space-y-4 rounded-lg border border-slate-200 bg-white p-4">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <ArrivalHeading id="rule-title" className="text-lg font-medium">
          Mirror rule #{data.id}
          {!data.enabled && " (disabled)"}
        </ArrivalHeading>
        <div className="flex gap-2">
          <ButtonLink variant="secondary" href={`/buckets/${bucket}/configuration`}>
            Back to rules
          </ButtonLink>
          <ButtonLink href={`/buckets/${bucket}/configuration/mirroring/${data.id}/edit`}>Edit</ButtonLink>
        </div>
      </div>
      <dl className="grid gap-x-8 gap-y-1 text-sm sm:grid-cols-[max-content_minmax(0,1fr)] sm:gap-y-2">
        <Row label="Status">{data.enabled ? "Enabled" : "Disabled: skipped on a miss, kept with its number and settings"}</Row>
        <Row label="Back-to-origin method">{MODE_LABELS[data.mode]}</Row>
        <Row label="Condition">{formatCondition(data)}</Row>
        <Row label="Primary origin">{formatOrigin(data.origin)}</Row>
        <Row label="Prefix handling">{formatRewrite(data)}</Row>
        {data.fixedKey !== null && <Row label="Fixed filename">{data.fixedKey}</Row>}
        <Row label="Address prefix">{data.addressPrefix || "None"}</Row>
        <Row label="Address suffix">{data.addressSuffix || "None"}</Row>
        <Row label="Backup origin">{formatOrigin(data.backupOrigin)}</Row>
        <Row label="Query string">{data.passQueryString ? "Passed to the origin" : "Not passed"}</Row>
        <Row label="Storage class">{formatStorageClass(data.storageClass)}</Row>
        <Row label="Headers sent">{describeHeaderForwarding(headers)}</Row>
        {headers.set.length > 0 && (
          <Row label="Headers set">{headers.set.map((header) => `${header.name}: ${header.value}`).join("; ")}</Row>
        )}
        <Row label="Example">
          <span className="font-mono text-xs">
            <Breakable text={`${sample} → ${formatOriginTarget(address.primary)}${address.backup ? `, then ${formatOriginTarget(address.backup)}` : ""}`} />
          </span>
        </Row>
        <Row label="Version">{data.version}</Row>
        <Row label="Created">{new Date(data.createdAt).toLocaleString()}</Row>
        <Row label="Last changed">{new Date(data.updatedAt).toLocaleString()}</Row>
      </dl>
    </section>
  );
}
