"use client";

import Link from "next/link";
import { useState } from "react";
import { ArrivalHeading } from "@/components/ui/arrival-heading";
import { Breakable } from "@/components/ui/breakable";
import { ButtonLink, Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { EmptyState } from "@/components/ui/empty-state";
import { useNotify } from "@/components/ui/notices";
import { QueryError } from "@/components/ui/query-error";
import { Spinner } from "@/components/ui/spinner";
import { TableHead } from "@/components/ui/table-head";
import { TableScroller } from "@/components/ui/table-scroller";
import { useBucket } from "@/lib/buckets/bucket-queries";
import { formatBytes } from "@/lib/format-bytes";
import { useBucketActivity } from "@/lib/activity/activity-queries";
import type { RuleActivity } from "@/lib/activity/activity-query";
import { useOriginsHealth } from "@/lib/mirroring/origin-health-queries";
import { useDeleteRule, useRules, useSetRuleEnabled } from "@/lib/mirroring/rule-queries";
import type { StoredMirrorRule } from "@/lib/mirroring/rule-schema";
import { addRuleBlocker, describeCondition, ruleLabel } from "@/lib/mirroring/rule-set";
import { MAX_RULES_PER_BUCKET } from "@/lib/mirroring/limits";
import { BosJsonTransfer } from "./bos-json-transfer";
import { OriginHealthNote } from "./origin-health-note";
import { MODE_LABELS, formatCondition, formatOrigin, formatPathHandling, formatStorageClass } from "./rule-format";
import { TestKeyBox } from "./test-key-box";

export function MirrorRulesPanel({ bucket }: { bucket: string }) {
  const rules = useRules(bucket);
  const summary = useBucket(bucket);
  const remove = useDeleteRule(bucket);
  const setEnabled = useSetRuleEnabled(bucket);
  const notify = useNotify();
  const [deleting, setDeleting] = useState<StoredMirrorRule | null>(null);

  const blocker = rules.data ? addRuleBlocker(rules.data) : null;
  const newRuleHref = `/buckets/${bucket}/configuration/mirroring/new`;

  const toggle = (rule: StoredMirrorRule) =>
    setEnabled.mutate(
      { id: rule.id, enabled: !rule.enabled },
      {
        onSuccess: (saved) => notify("success", `${ruleLabel(saved)} ${saved.enabled ? "enabled" : "disabled"}.`),
        onError: (error) => notify("error", `${ruleLabel(rule)} was not enabled: ${error.message}`),
      },
    );

  return (
    <section aria-labelledby="mirroring-title" className="space-y-4 rounded-lg border border-slate-200 bg-white p-4">
      <div className="flex flex-wrap items-start justify-between gap-4">
        <div>
          <ArrivalHeading id="mirroring-title" className="text-lg font-medium">
            Mirror back-to-origin
          </ArrivalHeading>
          <p className="max-w-2xl text-sm text-slate-600">
            When a GET finds no object, the rule whose condition matches the key fetches it from your origin, stores it in this
            bucket, and serves it. At most {MAX_RULES_PER_BUCKET} rules; no key may match two enabled rules.
          </p>
        </div>
        <div className="flex flex-col items-start gap-2 sm:items-end">
          {blocker || !rules.data ? (
            <Button disabled aria-describedby={blocker ? "add-blocked" : undefined}>
              Add configuration
            </Button>
          ) : (
            <ButtonLink href={newRuleHref}>Add configuration</ButtonLink>
          )}
          {blocker && (
            <p id="add-blocked" className="max-w-xs text-xs text-amber-800">
              {blocker}
            </p>
          )}
          {rules.data && summary.data && <BosJsonTransfer bucket={bucket} rules={rules.data} defaultStorageClass={summary.data.defaultStorageClass} />}
        </div>
      </div>

      {rules.isPending && <Spinner label="Loading rules" />}
      {rules.isError && <QueryError error={rules.error} what="the mirror rules" onRetry={() => void rules.refetch()} />}
      {rules.data?.length === 0 && (
        <EmptyState>No mirror back-to-origin rules yet. Missing objects answer 404 until you add one.</EmptyState>
      )}
      {rules.data && rules.data.length > 0 && (
        <RuleTable bucket={bucket} rules={rules.data} onDelete={setDeleting} onToggle={toggle} toggling={setEnabled.isPending ? setEnabled.variables?.id : undefined} />
      )}
      {rules.data && <TestKeyBox bucket={bucket} rules={rules.data} />}

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
          <>
            <p>
              {ruleLabel(deleting)} is removed for good. Back-to-origin stops at once for {describeCondition(deleting)}: missing objects that
              match will answer 404 instead of being fetched from {formatOrigin(deleting.origin)}.
            </p>
            {deleting.enabled && <p className="mt-2">To stop it for a while instead, disable it: it keeps its number and settings.</p>}
          </>
        )}
      </ConfirmDialog>
    </section>
  );
}

/** Per-rule back-to-origin counts over the 90 days kept: a small cell beside each rule. */
function RuleActivityCell({ activity }: { activity: RuleActivity | undefined }) {
  if (!activity) return <span className="text-slate-600">—</span>;
  const failures = activity.failed + activity.circuitOpen;
  return (
    <span className="whitespace-nowrap">
      {activity.pulled} pulled ({formatBytes(activity.bytes)})
      <span className="block text-xs text-slate-600">
        {activity.missing} missing · <span className={failures > 0 ? "text-red-700" : undefined}>{failures} failed</span>
      </span>
    </span>
  );
}

interface RuleTableProps {
  bucket: string;
  rules: StoredMirrorRule[];
  onDelete: (rule: StoredMirrorRule) => void;
  onToggle: (rule: StoredMirrorRule) => void;
  toggling: number | undefined;
}

function RuleTable({ bucket, rules, onDelete, onToggle, toggling }: RuleTableProps) {
  const activity = useBucketActivity(bucket, "90d");
  const byRule = new Map(activity.data?.rules.map((rule) => [rule.ruleId, rule]));
  const health = useOriginsHealth(bucket).data;
  return (
    <TableScroller label="Mirror rules table">
      <table className="w-full text-sm">
        <TableHead
          caption="Mirror back-to-origin rules"
          columns={[
            "Rule",
            "Method",
            "Condition",
            "Origin",
            "Origin path",
            "Storage class",
            <Link key="pulls" href={`/buckets/${bucket}/migration`} className="text-brand-700 underline">
              Pulls, 90 days
            </Link>,
            "Actions",
          ]}
        />
        <tbody>
          {rules.map((rule) => {
            const base = `/buckets/${bucket}/configuration/mirroring/${rule.id}`;
            return (
              <tr key={rule.id} className={`border-t border-slate-100 align-top ${rule.enabled ? "" : "bg-slate-50 text-slate-600"}`}>
                <td className="px-3 py-2 whitespace-nowrap">
                  #{rule.id}
                  {!rule.enabled && <span className="ml-2 rounded bg-slate-200 px-1.5 py-0.5 text-xs font-medium text-slate-800">Disabled</span>}
                </td>
                <td className="px-3 py-2">{MODE_LABELS[rule.mode]}</td>
                <td className="min-w-40 px-3 py-2">
                  <Breakable text={formatCondition(rule)} />
                </td>
                <td className="min-w-48 px-3 py-2">
                  <Breakable text={formatOrigin(rule.origin)} />
                  <OriginHealthNote origin={rule.origin} health={health} />
                  {rule.backupOrigin && (
                    <span className="block text-xs text-slate-600">
                      Backup: <Breakable text={formatOrigin(rule.backupOrigin)} />
                      <OriginHealthNote origin={rule.backupOrigin} health={health} />
                    </span>
                  )}
                </td>
                <td className="min-w-40 px-3 py-2">
                  <Breakable text={formatPathHandling(rule)} />
                  {rule.passQueryString && <span className="block text-xs text-slate-600">Query string passed</span>}
                </td>
                <td className="px-3 py-2">{formatStorageClass(rule.storageClass)}</td>
                <td className="px-3 py-2">
                  <RuleActivityCell activity={byRule.get(rule.id)} />
                </td>
                <td className="px-3 py-2">
                  <div className="flex flex-wrap gap-x-3 gap-y-1">
                    <ButtonLink variant="link" href={base} aria-label={`View rule #${rule.id}`}>
                      View
                    </ButtonLink>
                    <ButtonLink variant="link" href={`${base}/edit`} aria-label={`Edit rule #${rule.id}`}>
                      Edit
                    </ButtonLink>
                    <Button variant="link" disabled={toggling === rule.id} aria-label={`${rule.enabled ? "Disable" : "Enable"} rule #${rule.id}`} onClick={() => onToggle(rule)}>
                      {rule.enabled ? "Disable" : "Enable"}
                    </Button>
                    <Button variant="danger-link" aria-label={`Delete rule #${rule.id}`} onClick={() => onDelete(rule)}>
                      Delete
                    </Button>
                  </div>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </TableScroller>
  );
}
