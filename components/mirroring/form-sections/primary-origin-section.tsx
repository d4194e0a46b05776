"use client";

import { useFormContext, useWatch } from "react-hook-form";
import { Choice, Field, Fieldset, inputClass } from "@/components/ui/field";
import type { RuleFormValues } from "../rule-form-values";
import { FormSection, errorAt } from "./form-section";
import { OriginFields, type OriginBuckets } from "./origin-fields";

type RewriteChoice = "none" | "replace" | "crop";

export function PrimaryOriginSection({ buckets }: { buckets: OriginBuckets }) {
  const { register, setValue, formState, control } = useFormContext<RuleFormValues>();
  const [mode, rewrite, fixedKey, prefix] = useWatch({ control, name: ["mode", "prefixRewrite", "fixedKey", "conditionPrefix"] });
  const rewriteChoice: RewriteChoice = rewrite?.action ?? "none";
  const fixed = mode === "redirect" && fixedKey !== null && fixedKey !== undefined;
  const fixedReason = fixed ? "Not used while a fixed filename is set." : null;

  const chooseRewrite = (choice: RewriteChoice) =>
    setValue("prefixRewrite", choice === "none" ? null : choice === "crop" ? { action: "crop" } : { action: "replace", with: "" });

  return (
    <FormSection title="2. Primary origin">
      <OriginFields name="origin" label="Origin" buckets={buckets} />
      <Fieldset
        legend="Prefix handling"
        help={
          prefix
            ? `Crop removes "${prefix}" from the path; Replace puts your text in its place.`
            : "With no prefix condition, Replace puts your text in front of the path and Crop leaves it as is."
        }
        error={errorAt(formState.errors, "prefixRewrite")}
      >
        <Choice type="radio" name="rewrite" label="Keep the path" checked={rewriteChoice === "none"} onChange={() => chooseRewrite("none")} />
        <Choice type="radio" name="rewrite" label="Replace prefix" checked={rewriteChoice === "replace"} onChange={() => chooseRewrite("replace")} />
        <Choice type="radio" name="rewrite" label="Crop prefix" checked={rewriteChoice === "crop"} onChange={() => chooseRewrite("crop")} />
      </Fieldset>
      {rewriteChoice === "replace" && (
        <Field label="Replace prefix with" help='e.g. "tihuan/edf" or "myobject".' error={errorAt(formState.errors, "prefixRewrite.with")}>
          {(a11y) => <input {...a11y} {...register("prefixRewrite.with")} className={inputClass} autoComplete="off" />}
        </Field>
      )}
      <div className="space-y-2">
        <Choice
          type="checkbox"
          label="Fixed filename"
          description="Every matching key redirects to this one file."
          checked={fixedKey !== null && fixedKey !== undefined}
          disabled={mode !== "redirect"}
          aria-describedby="fixed-key-reason"
          onChange={(event) => setValue("fixedKey", event.target.checked ? "" : null)}
        />
        {mode !== "redirect" && (
          <p id="fixed-key-reason" className="text-xs text-amber-700">
            A fixed filename is available in Redirection mode only.
          </p>
        )}
        {fixed && (
          <Field label="Fixed filename path" error={errorAt(formState.errors, "fixedKey")}>
            {(a11y) => <input {...a11y} {...register("fixedKey")} className={inputClass} autoComplete="off" />}
          </Field>
        )}
      </div>
      <div className="grid gap-4 md:grid-cols-2">
        <Field
          label="Address prefix"
          help='Put in front of the origin path: "test" gives /test/objectname.doc.'
          disabledReason={fixedReason}
          error={errorAt(formState.errors, "addressPrefix")}
        >
          {(a11y) => <input {...a11y} {...register("addressPrefix")} disabled={fixed} className={inputClass} autoComplete="off" />}
        </Field>
        <Field
          label="Address suffix"
          help="Replaces the suffix condition, or else the file extension: .doc turns myobject.docx into myobject.doc."
          disabledReason={fixedReason}
          error={errorAt(formState.errors, "addressSuffix")}
        >
          {(a11y) => <input {...a11y} {...register("addressSuffix")} disabled={fixed} className={inputClass} autoComplete="off" />}
        </Field>
      </div>
    </FormSection>
  );
}
