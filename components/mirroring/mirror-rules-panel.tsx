"use client";

import Link from "next/link";
import { useState } from "react";
import { ButtonLink, Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { useNotify } from "@/components/ui/notices";
import { QueryError } from "@/components/ui/query-error";
import { Spinner } from "@/components/ui/spinner";
import { formatBytes } from "@/lib/activity/activity-format";
import { useBucketActivity } from "@/lib/activity/activity-queries";
import type { RuleActivity } from "@/lib/activity/activity-query";
import { useOriginsHealth } from "@/lib/mirroring/origin-health-queries";
import { useDeleteRule, useRules } from "@/lib/mirroring/rule-queries";
import type { StoredMirrorRule } from "@/lib/mirroring/rule-schema";
import { addRuleBlocker, describeCondition, ruleLabel } from "@/lib/mirroring/rule-set";
import { MAX_RULES_PER_BUCKET } from "@/lib/mirroring/limits";
import { OriginHealthNote } from "./origin-health-note";
import { MODE_LABELS, formatCondition, formatOrigin, formatStorageClass } from "./rule-format";
import { TestKeyBox } from "./test-key-box";

export function MirrorRulesPanel({ bucket }: { bucket: string }) {
  const rules = useRules(bucket);
  const remove = useDeleteRule(bucket);
  const notify = useNotify();
  const [deleting, setDeleting] = useState<StoredMirrorRule | null>(null);

  const blocker = rules.data ? addRuleBlocker(rules.data) : null;
  const newRuleHref = `/buckets/${bucket}/configuration/mirroring/new`;

  return (
    <section aria-labelledby="mirroring-title" className="space-y-4 rounded-lg border border-slate-200 bg-white p-4">
      <div className="flex flex-wrap items-start justify-between gap-4">
        <div>
          <h2 id="mirroring-title" className="text-lg font-medium">
            Mirror back-to-origin
          </h2>
          <p className="max-w-2xl text-sm text-slate-600">
            When a GET finds no object, the rule whose condition matches the key fetches it from your origin, stores it in this
            bucket, and serves it. At most {MAX_RULES_PER_BUCKET} rules; no key may match two rules.
          </p>
        </div>
        <div className="text-right">
          {blocker || !rules.data ? (
            <Button disabled aria-describedby={blocker ? "add-blocked" : undefined}>
              Add configuration
            </Button>
          ) : (
            <ButtonLink href={newRuleHref}>Add configuration</ButtonLink>
          )}
          {blocker && (
            <p id="add-blocked" className="mt-1 max-w-xs text-xs text-amber-700">
              {blocker}
            </p>
          )}
        </div>
      </div>

      {rules.isPending && <Spinner label="Loading rules" />}
      {rules.isError && <QueryError error={rules.error} what="the mirror rules" onRetry={() => void rules.refetch()} />}
      {rules.data?.length === 0 && (
        <p className="rounded-md border border-dashed border-slate-300 p-6 text-center text-sm text-slate-600">
          No mirror back-to-origin rules yet. Missing objects answer 404 until you add one.
        </p>
      )}
      {rules.data && rules.data.length > 0 && (
        <RuleTable bucket={bucket} rules={rules.data} onDelete={(rule) => setDeleting(rule)} />
      )}
      {rules.data && <TestKeyBox rules={rules.data} />}

      <ConfirmDialog
        open={deleting !== null}
        title="Delete this mirror rule?"
        confirmLabel="Delete rule"
        mutation={remove}
        onCancel={() => setDeleting(null)}
        onConfirm={() => {
          if (!deleting) return;
          remove.mutate(deleting.id, {
            onSuccess: () => {
              notify("success", `${ruleLabel(deleting)} deleted.`);
              setDeleting(null);
            },
          });
        }}
      >
        {deleting && (
          <p>
            Back-to-origin stops at once for {describeCondition(deleting)}: missing objects that match will answer 404 instead of
            being fetched from {formatOrigin(deleting.origin)}.
          </p>
        )}
      </ConfirmDialog>
    </section>
  );
}

/** Per-rule back-to-origin counts over the 90 days kept: a small cell beside each rule. */
function RuleActivityCell({ activity }: { activity: RuleActivity | undefined }) {
  if (!activity) return <span className="text-slate-400">—</span>;
  const failures = activity.failed + activity.circuitOpen;
  return (
    <span className="whitespace-nowrap">
      {activity.pulled} pulled ({formatBytes(activity.bytes)})
      <span className="block text-xs text-slate-500">
        {activity.missing} missing · <span className={failures > 0 ? "text-red-700" : undefined}>{failures} failed</span>
      </span>
    </span>
  );
}

function RuleTable({ bucket, rules, onDelete }: { bucket: string; rules: StoredMirrorRule[]; onDelete: (rule: StoredMirrorRule) => void }) {
  const activity = useBucketActivity(bucket, "90d");
  const byRule = new Map(activity.data?.rules.map((rule) => [rule.ruleId, rule]));
  const health = useOriginsHealth(bucket).data;
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-sm">
        <caption className="sr-only">Mirror back-to-origin rules</caption>
        <thead className="bg-slate-100 text-left text-slate-600">
          <tr>
            <th className="px-3 py-2 font-medium">Rule</th>
            <th className="px-3 py-2 font-medium">Method</th>
            <th className="px-3 py-2 font-medium">Condition</th>
            <th className="px-3 py-2 font-medium">Origin</th>
            <th className="px-3 py-2 font-medium">Backup origin</th>
            <th className="px-3 py-2 font-medium">Storage class</th>
            <th className="px-3 py-2 font-medium">
              <Link href={`/buckets/${bucket}/migration`} className="text-brand-700 underline">
                Pulls, 90 days
              </Link>
            </th>
            <th className="px-3 py-2 font-medium">Actions</th>
          </tr>
        </thead>
        <tbody>
          {rules.map((rule) => {
            const base = `/buckets/${bucket}/configuration/mirroring/${rule.id}`;
            return (
              <tr key={rule.id} className="border-t border-slate-100">
                <td className="px-3 py-2">#{rule.id}</td>
                <td className="px-3 py-2">{MODE_LABELS[rule.mode]}</td>
                <td className="px-3 py-2">{formatCondition(rule)}</td>
                <td className="px-3 py-2 break-all">
                  {formatOrigin(rule.origin)}
                  <OriginHealthNote origin={rule.origin} health={health} />
                </td>
                <td className="px-3 py-2 break-all">
                  {formatOrigin(rule.backupOrigin)}
                  <OriginHealthNote origin={rule.backupOrigin} health={health} />
                </td>
                <td className="px-3 py-2">{formatStorageClass(rule.storageClass)}</td>
                <td className="px-3 py-2">
                  <RuleActivityCell activity={byRule.get(rule.id)} />
                </td>
                <td className="px-3 py-2">
                  <div className="flex gap-3">
                    <ButtonLink variant="link" href={base} aria-label={`View rule #${rule.id}`}>
                      View
                    </ButtonLink>
                    <ButtonLink variant="link" href={`${base}/edit`} aria-label={`Edit rule #${rule.id}`}>
                      Edit
                    </ButtonLink>
                    <Button variant="link" className="text-red-700" aria-label={`Delete rule #${rule.id}`} onClick={() => onDelete(rule)}>
                      Delete
                    </Button>
                  </div>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
