"use client";

/**
 * Add or edit a mirror rule: the BOS console's sections 1-4, validated as the user types by the
 * same schema the server parses, with the live preview beside it.
 */
import { zodResolver } from "@hookform/resolvers/zod";
import { useEffect, useMemo, useRef, useState } from "react";
import { FormProvider, useForm, useFormContext, useWatch } from "react-hook-form";
import { ArrivalHeading } from "@/components/ui/arrival-heading";
import { Breakable } from "@/components/ui/breakable";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { applyServerErrors } from "@/components/ui/form-server-errors";
import { useNotify } from "@/components/ui/notices";
import { useLeaveGuard } from "@/components/ui/use-leave-guard";
import { ApiRequestError } from "@/lib/api/api-client";
import type { BucketSummary } from "@/lib/buckets/bucket-service";
import { useCreateRule, useUpdateRule } from "@/lib/mirroring/rule-queries";
import type { MirrorRule, StoredMirrorRule } from "@/lib/mirroring/rule-schema";
import { computeRulePreview, defaultSampleKey } from "@/lib/mirroring/rule-preview";
import { bucketRuleSchema, ruleLabel } from "@/lib/mirroring/rule-set";
import { BackupOriginSection } from "./form-sections/backup-origin-section";
import { BasicSection } from "./form-sections/basic-section";
import { OtherSettingsSection } from "./form-sections/other-settings-section";
import { PrimaryOriginSection } from "./form-sections/primary-origin-section";
import type { OriginBuckets } from "./form-sections/origin-fields";
import { PREVIEW_ID, RulePreviewPanel } from "./rule-preview-panel";
import { toFormValues, type RuleFormValues } from "./rule-form-values";
import { countOf } from "@/lib/format-count";

const FORM_ERROR_ID = "rule-form-error";

/** Discarding runs nothing on the server. */
const NOTHING_TO_RUN = { isPending: false, error: null, reset: () => undefined };

interface MirrorRuleFormProps {
  bucket: BucketSummary;
  rules: StoredMirrorRule[];
  otherBuckets: BucketSummary[];
  rule: StoredMirrorRule | null;
  onReload: () => void;
}

export function MirrorRuleForm({ bucket, rules, otherBuckets, rule, onReload }: MirrorRuleFormProps) {
  const notify = useNotify();
  const create = useCreateRule(bucket.name);
  const update = useUpdateRule(bucket.name, rule?.id ?? 0);
  const [formError, setFormError] = useState<{ message: string; stale: boolean } | null>(null);

  const otherBucketNames = useMemo(() => otherBuckets.map((other) => other.name), [otherBuckets]);
  const originBuckets: OriginBuckets = useMemo(
    () => ({
      names: otherBucketNames,
      privateNames: otherBuckets.filter((other) => other.acl === "private").map((other) => other.name),
      thisBucketPublic: bucket.acl === "public-read",
    }),
    [otherBuckets, otherBucketNames, bucket.acl],
  );
  // Only enabled rules conflict; a disabled rule is checked again when it is enabled.
  const rulesInForce = useMemo(() => (rule && !rule.enabled ? [] : rules.filter((other) => other.enabled)), [rules, rule]);
  const schema = useMemo(
    () => bucketRuleSchema({ bucketName: bucket.name, zoneType: bucket.zoneType, otherBucketNames }, rulesInForce, rule?.id),
    [bucket, otherBucketNames, rulesInForce, rule?.id],
  );

  const form = useForm<RuleFormValues, unknown, MirrorRule>({
    resolver: zodResolver(schema),
    defaultValues: toFormValues(rule, bucket),
    // Validate on submit, then on every change: blur-time errors shift the layout under the pointer.
    mode: "onSubmit",
  });
  const listHref = `/buckets/${bucket.name}/configuration`;
  const dirty = form.formState.isDirty && !form.formState.isSubmitSuccessful;
  // Cancel, a link, Back or closing the tab with unsaved edits asks first.
  const leaveGuard = useLeaveGuard(dirty);

  const onSubmit = form.handleSubmit(async (values) => {
    setFormError(null);
    try {
      const saved = rule ? await update.mutateAsync({ rule: values, version: rule.version }) : await create.mutateAsync(values);
      notify("success", `${ruleLabel(saved)} ${rule ? "saved" : "added"}.`);
      leaveGuard.leave(listHref);
    } catch (error) {
      const stale = error instanceof ApiRequestError && error.code === "StaleVersion";
      const message = applyServerErrors(error, form.setError);
      setFormError({ message, stale });
      // A refusal without a field to focus takes the focus itself, so it is not missed.
      if (!(error instanceof ApiRequestError && error.fieldErrors)) requestAnimationFrame(() => document.getElementById(FORM_ERROR_ID)?.focus());
    }
  });

  return (
    <FormProvider {...form}>
      <div className="grid gap-6 lg:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
        <form onSubmit={onSubmit} noValidate aria-labelledby="rule-form-title" className="min-w-0 space-y-4">
          <ArrivalHeading id="rule-form-title" className="text-lg font-medium">
            {rule ? `Edit mirror rule #${rule.id}` : "Add mirror back-to-origin configuration"}
          </ArrivalHeading>
          {rule && !rule.enabled && (
            <p className="rounded-md border border-slate-300 bg-slate-50 p-3 text-sm text-slate-800">
              This rule is disabled: saving keeps it disabled, and it is checked against the other rules when you enable it.
            </p>
          )}
          {formError && (
            <div id={FORM_ERROR_ID} tabIndex={-1} role="alert" className="rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-800">
              <p>{formError.message}</p>
              {formError.stale && (
                <Button variant="secondary" className="mt-2" onClick={onReload}>
                  Load the latest version
                </Button>
              )}
            </div>
          )}
          <BasicSection />
          <PrimaryOriginSection buckets={originBuckets} />
          <BackupOriginSection buckets={originBuckets} />
          <OtherSettingsSection zoneType={bucket.zoneType} />
          <PreviewPeek rules={rulesInForce} ownId={rule?.id} />
          <div className="flex gap-2">
            <Button type="submit" disabled={form.formState.isSubmitting}>
              {form.formState.isSubmitting ? "Saving…" : "Confirm"}
            </Button>
            <Button variant="secondary" onClick={() => leaveGuard.request(listHref)}>
              Cancel
            </Button>
          </div>
        </form>
        <RulePreviewPanel bucket={bucket.name} rules={rulesInForce} ownId={rule?.id} />
      </div>
      <ConfirmDialog
        open={leaveGuard.asked !== null}
        title="Discard your changes?"
        confirmLabel="Discard changes"
        mutation={NOTHING_TO_RUN}
        onConfirm={leaveGuard.discard}
        onCancel={leaveGuard.stay}
      >
        <p>This rule has edits that are not saved. Leaving now loses them.</p>
      </ConfirmDialog>
    </FormProvider>
  );
}

/**
 * On a phone the preview sits below the form: the address it computes stays in view at the
 * bottom of the screen while typing, with a link to the whole preview.
 */
function PreviewPeek({ rules, ownId }: { rules: StoredMirrorRule[]; ownId?: number }) {
  const values = useWatch({ control: useFormContext<RuleFormValues>().control }) as Partial<RuleFormValues>;
  const preview = computeRulePreview(values, defaultSampleKey(values.conditionPrefix, values.conditionSuffix), "", rules, ownId);
  // A draft a save would refuse (a bad field, an overlap with another rule) shows what to fix, not an address.
  const toFix = preview.problems.length + (preview.conflict ? 1 : 0);
  const blocked = toFix > 0 ? `${countOf(toFix, "problem")} to fix before saving${preview.conflict ? " (an overlap with other rules among them)" : ""}` : null;
  const text = preview.primary ?? preview.refusal ?? preview.addressRefused ?? "";
  // The bar must not hide the field being typed in: the page keeps its height clear when it
  // scrolls a focused field into view (WCAG 2.4.11, focus not obscured).
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const peek = ref.current;
    if (!peek) return;
    const root = document.documentElement;
    const keepClear = () => {
      root.style.scrollPaddingBottom = `${peek.offsetHeight + 8}px`;
    };
    const observer = new ResizeObserver(keepClear);
    observer.observe(peek);
    keepClear();
    return () => {
      observer.disconnect();
      root.style.scrollPaddingBottom = "";
    };
  }, []);
  return (
    <div ref={ref} role="group" aria-label="Preview summary" className="sticky bottom-0 z-10 -mx-4 border-t border-brand-100 bg-brand-50 px-4 py-2 text-xs lg:hidden">
      {blocked ? (
        <p className="font-medium text-red-800">{blocked}</p>
      ) : (
        <>
          <p className="font-medium text-slate-800">{preview.redirect ? "Redirects to" : "Fetches from"}</p>
          <p className="font-mono">
            <Breakable text={text} />
          </p>
        </>
      )}
      <a href={`#${PREVIEW_ID}`} className="text-brand-700 underline">
        Full preview
      </a>
    </div>
  );
}
