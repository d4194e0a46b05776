"use client";

import { useFormContext, useWatch } from "react-hook-form";
import { Choice, Field, Fieldset, inputClass } from "@/components/ui/field";
import type { RuleFormValues } from "../rule-form-values";
import { FormSection, errorAt } from "./form-section";

export function BasicSection() {
  const { register, setValue, getValues, formState, control } = useFormContext<RuleFormValues>();
  const mode = useWatch({ control, name: "mode" });

  // Fields that only one mode has are cleared when the mode changes, so no hidden value is saved.
  const onModeChange = (next: string) => {
    if (next === "fetch" && getValues("fixedKey") !== null) setValue("fixedKey", null);
    if (next === "redirect" && getValues("backupOrigin") !== null) setValue("backupOrigin", null);
  };

  return (
    <FormSection title="1. Basic configuration">
      <Fieldset legend="Back-to-origin method" error={errorAt(formState.errors, "mode")}>
        <Choice
          type="radio"
          value="fetch"
          label="Mirror"
          description="Fetch the missing object from the origin, store it, and return it in the same response."
          {...register("mode", { onChange: (event) => onModeChange(event.target.value) })}
        />
        <Choice
          type="radio"
          value="redirect"
          label="Redirection"
          description="Answer 302 to the origin address, and fetch and store the object in the background."
          {...register("mode", { onChange: (event) => onModeChange(event.target.value) })}
        />
      </Fieldset>
      <p className="text-sm text-slate-600">
        Back-to-origin runs only when a GET finds no object (HTTP 404), for keys that match both conditions below.
        {mode === "redirect" ? " The client follows the redirect itself." : ""}
      </p>
      <div className="grid gap-4 md:grid-cols-2">
        <Field
          label="Filename prefix"
          help='Empty matches every key. May not end with "/": "abc" matches abc/x.jpg and abcd.jpg.'
          error={errorAt(formState.errors, "conditionPrefix")}
        >
          {(a11y) => <input {...a11y} {...register("conditionPrefix")} className={inputClass} autoComplete="off" />}
        </Field>
        <Field label="Filename suffix" help='Empty matches every key; ".jpg" matches keys ending in .jpg.' error={errorAt(formState.errors, "conditionSuffix")}>
          {(a11y) => <input {...a11y} {...register("conditionSuffix")} className={inputClass} autoComplete="off" />}
        </Field>
      </div>
    </FormSection>
  );
}
