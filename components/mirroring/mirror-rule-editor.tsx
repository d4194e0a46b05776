"use client";

/** Loads what the rule form needs (bucket, its rules, other buckets, the rule being edited). */
import { useQuery } from "@tanstack/react-query";
import { notFound } from "next/navigation";
import { ButtonLink } from "@/components/ui/button";
import { QueryError } from "@/components/ui/query-error";
import { Spinner } from "@/components/ui/spinner";
import { ApiRequestError } from "@/lib/api/api-client";
import { useBucket, useBuckets } from "@/lib/buckets/bucket-queries";
import { ruleQuery, useRules } from "@/lib/mirroring/rule-queries";
import { addRuleBlocker } from "@/lib/mirroring/rule-set";
import { MirrorRuleForm } from "./mirror-rule-form";

export function MirrorRuleEditor({ bucket: name, ruleId }: { bucket: string; ruleId?: number }) {
  const bucket = useBucket(name);
  const rules = useRules(name);
  const buckets = useBuckets();
  const rule = useQuery({ ...ruleQuery(name, ruleId ?? 0), enabled: ruleId !== undefined });

  // The rule was deleted since the server found it (in another tab): the page's not-found state, as
  // for a number that never was, not a "Try again" that cannot bring it back.
  if (ruleId !== undefined && rule.error instanceof ApiRequestError && rule.error.code === "NoSuchRule") notFound();
  const failed = [bucket, rules, buckets, ...(ruleId !== undefined ? [rule] : [])].find((query) => query.isError);
  if (failed?.error) return <QueryError error={failed.error} what="the rule editor" onRetry={() => void failed.refetch()} />;
  if (!bucket.data || !rules.data || !buckets.data || (ruleId !== undefined && !rule.data)) return <Spinner label="Loading rule editor" />;

  const blocker = ruleId === undefined ? addRuleBlocker(rules.data) : null;
  if (blocker) {
    return (
      <div role="alert" className="space-y-3 rounded-lg border border-amber-200 bg-amber-50 p-4 text-sm text-amber-900">
        <p>{blocker}</p>
        <ButtonLink variant="secondary" href={`/buckets/${name}/configuration`}>
          Back to rules
        </ButtonLink>
      </div>
    );
  }

  return (
    <MirrorRuleForm
      // A reloaded rule (new version) starts a fresh form from the stored values.
      key={rule.data?.version ?? "new"}
      bucket={bucket.data}
      rules={rules.data}
      otherBuckets={buckets.data.filter((other) => other.name !== name)}
      rule={rule.data ?? null}
      onReload={() => void rule.refetch()}
    />
  );
}
