"use client";

import { useFormContext, useWatch } from "react-hook-form";
import { Choice } from "@/components/ui/field";
import { newBackupUrlOrigin, type RuleFormValues } from "../rule-form-values";
import { FormSection, errorAt } from "./form-section";
import { OriginFields, type OriginBuckets } from "./origin-fields";

export function BackupOriginSection({ buckets }: { buckets: OriginBuckets }) {
  const { setValue, getValues, formState, control } = useFormContext<RuleFormValues>();
  const [mode, backup] = useWatch({ control, name: ["mode", "backupOrigin"] });
  const enabled = backup !== null && backup !== undefined;
  const error = errorAt(formState.errors, "backupOrigin");

  return (
    <FormSection title="3. Backup origin">
      <Choice
        type="checkbox"
        label="Use a backup origin"
        description="When the primary origin answers 404 or fails, the same path is tried here."
        checked={enabled}
        disabled={mode !== "fetch"}
        aria-describedby="backup-reason"
        onChange={(event) => setValue("backupOrigin", event.target.checked ? newBackupUrlOrigin(getValues("origin")) : null)}
      />
      {mode !== "fetch" && (
        <p id="backup-reason" className="text-xs text-amber-700">
          A backup origin is available in Mirror mode only: in Redirection mode the client follows one address.
        </p>
      )}
      {error && (
        <p role="alert" className="text-xs font-medium text-red-700">
          {error}
        </p>
      )}
      {enabled && mode === "fetch" && <OriginFields name="backupOrigin" label="Backup origin" buckets={buckets} />}
    </FormSection>
  );
}
