"use client";

/**
 * Add or edit a mirror rule: the BOS console's sections 1-4, validated as the user types by the
 * same schema the server parses, with the live preview beside it.
 */
import { zodResolver } from "@hookform/resolvers/zod";
import { useRouter } from "next/navigation";
import { useEffect, useMemo, useState } from "react";
import { FormProvider, useForm } from "react-hook-form";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { applyServerErrors } from "@/components/ui/form-server-errors";
import { useNotify } from "@/components/ui/notices";
import { ApiRequestError } from "@/lib/api/api-client";
import type { BucketSummary } from "@/lib/buckets/bucket-service";
import { useCreateRule, useUpdateRule } from "@/lib/mirroring/rule-queries";
import type { MirrorRule, StoredMirrorRule } from "@/lib/mirroring/rule-schema";
import { bucketRuleSchema, ruleLabel } from "@/lib/mirroring/rule-set";
import { BackupOriginSection } from "./form-sections/backup-origin-section";
import { BasicSection } from "./form-sections/basic-section";
import { OtherSettingsSection } from "./form-sections/other-settings-section";
import { PrimaryOriginSection } from "./form-sections/primary-origin-section";
import { RulePreviewPanel } from "./rule-preview-panel";
import { toFormValues, type RuleFormValues } from "./rule-form-values";

/** Discarding runs nothing on the server. */
const NOTHING_TO_RUN = { isPending: false, error: null, reset: () => undefined };

interface MirrorRuleFormProps {
  bucket: BucketSummary;
  rules: StoredMirrorRule[];
  otherBucketNames: string[];
  rule: StoredMirrorRule | null;
  onReload: () => void;
}

export function MirrorRuleForm({ bucket, rules, otherBucketNames, rule, onReload }: MirrorRuleFormProps) {
  const router = useRouter();
  const notify = useNotify();
  const create = useCreateRule(bucket.name);
  const update = useUpdateRule(bucket.name, rule?.id ?? 0);
  const [formError, setFormError] = useState<{ message: string; stale: boolean } | null>(null);

  const schema = useMemo(
    () => bucketRuleSchema({ bucketName: bucket.name, zoneType: bucket.zoneType, otherBucketNames }, rules, rule?.id),
    [bucket, otherBucketNames, rules, rule?.id],
  );
  const form = useForm<RuleFormValues, unknown, MirrorRule>({
    resolver: zodResolver(schema),
    defaultValues: toFormValues(rule, bucket),
    // Validate on submit, then on every change: blur-time errors shift the layout under the pointer.
    mode: "onSubmit",
  });
  const listHref = `/buckets/${bucket.name}/configuration`;
  const dirty = form.formState.isDirty && !form.formState.isSubmitSuccessful;
  const [confirmingDiscard, setConfirmingDiscard] = useState(false);

  // Closing or reloading the tab with unsaved edits asks the browser's own question.
  useEffect(() => {
    if (!dirty) return;
    const warn = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [dirty]);

  const cancel = () => (dirty ? setConfirmingDiscard(true) : router.push(listHref));

  const onSubmit = form.handleSubmit(async (values) => {
    setFormError(null);
    try {
      const saved = rule ? await update.mutateAsync({ rule: values, version: rule.version }) : await create.mutateAsync(values);
      notify("success", `${ruleLabel(saved)} ${rule ? "saved" : "added"}.`);
      router.push(listHref);
    } catch (error) {
      const stale = error instanceof ApiRequestError && error.code === "StaleVersion";
      const message = applyServerErrors(error, form.setError);
      setFormError({ message, stale });
    }
  });

  return (
    <FormProvider {...form}>
      <div className="grid gap-6 lg:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
        <form onSubmit={onSubmit} noValidate aria-labelledby="rule-form-title" className="space-y-4">
          <h2 id="rule-form-title" className="text-lg font-medium">
            {rule ? `Edit mirror rule #${rule.id}` : "Add mirror back-to-origin configuration"}
          </h2>
          {formError && (
            <div role="alert" className="rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-800">
              <p>{formError.message}</p>
              {formError.stale && (
                <Button variant="secondary" className="mt-2" onClick={onReload}>
                  Load the latest version
                </Button>
              )}
            </div>
          )}
          <BasicSection />
          <PrimaryOriginSection otherBucketNames={otherBucketNames} />
          <BackupOriginSection otherBucketNames={otherBucketNames} />
          <OtherSettingsSection zoneType={bucket.zoneType} />
          <div className="flex gap-2">
            <Button type="submit" disabled={form.formState.isSubmitting}>
              {form.formState.isSubmitting ? "Saving…" : "Confirm"}
            </Button>
            <Button variant="secondary" onClick={cancel}>
              Cancel
            </Button>
          </div>
        </form>
        <RulePreviewPanel bucket={bucket.name} rules={rules} ownId={rule?.id} />
      </div>
      <ConfirmDialog
        open={confirmingDiscard}
        title="Discard your changes?"
        confirmLabel="Discard changes"
        mutation={NOTHING_TO_RUN}
        onConfirm={() => router.push(listHref)}
        onCancel={() => setConfirmingDiscard(false)}
      >
        <p>This rule has edits that are not saved. Leaving now loses them.</p>
      </ConfirmDialog>
    </FormProvider>
  );
}
