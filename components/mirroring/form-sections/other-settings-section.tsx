"use client";

import { useState } from "react";
import { useFieldArray, useFormContext } from "react-hook-form";
import { Button } from "@/components/ui/button";
import { Choice, Field, Fieldset, inputClass } from "@/components/ui/field";
import { StorageClassOptions } from "@/components/buckets/storage-class-options";
import { ZONE_TYPE_LABELS, type ZoneType } from "@/lib/buckets/storage-class";
import { MAX_HEADERS_PER_LIST } from "@/lib/mirroring/limits";
import type { RuleFormValues } from "../rule-form-values";
import { FormSection, errorAt } from "./form-section";

type PassChoice = "none" | "all" | "listed";

export function OtherSettingsSection({ zoneType }: { zoneType: ZoneType }) {
  const { register, setValue, getValues, formState, control } = useFormContext<RuleFormValues>();
  const setHeaders = useFieldArray({ control, name: "headers.set" });
  const [passChoice, setPassChoice] = useState<PassChoice>(() => {
    const headers = getValues("headers");
    if (headers?.passAll) return "all";
    const pass = headers?.pass;
    return (Array.isArray(pass) ? pass.length > 0 : typeof pass === "string" && pass.trim() !== "") ? "listed" : "none";
  });
  const { errors } = formState;

  const choosePass = (choice: PassChoice) => {
    setPassChoice(choice);
    setValue("headers.passAll", choice === "all");
    if (choice !== "listed") setValue("headers.pass", "");
    // Exceptions only mean something when some headers are passed.
    if (choice === "none") setValue("headers.prohibit", "");
  };

  return (
    <FormSection title="4. Other settings">
      <Choice type="checkbox" label="Pass the query string to the origin" description="Signature parameters are never passed." {...register("passQueryString")} />
      <Field
        label="Storage class of fetched objects"
        help={`${ZONE_TYPE_LABELS[zoneType]} bucket: these classes are available.`}
        error={errorAt(errors, "storageClass")}
      >
        {(a11y) => (
          <select {...a11y} {...register("storageClass")} className={`${inputClass} max-w-xs`}>
            <StorageClassOptions zoneType={zoneType} />
          </select>
        )}
      </Field>
      <Fieldset
        legend="Request headers passed to the origin"
        help={passChoice === "none" ? "The client's headers stay here; the origin gets only those set below." : "Host, Authorization, Range, Content-Length, Date, Content-MD5, x-bce-* and hop-by-hop headers are never passed."}
      >
        <Choice type="radio" name="pass-headers" label="None" checked={passChoice === "none"} onChange={() => choosePass("none")} />
        <Choice type="radio" name="pass-headers" label="All" checked={passChoice === "all"} onChange={() => choosePass("all")} />
        <Choice type="radio" name="pass-headers" label="Only these" checked={passChoice === "listed"} onChange={() => choosePass("listed")} />
      </Fieldset>
      {passChoice === "listed" && (
        <Field label="Headers to pass" help={`Up to ${MAX_HEADERS_PER_LIST} names, separated by commas or new lines.`} error={errorAt(errors, "headers.pass")}>
          {(a11y) => <textarea {...a11y} {...register("headers.pass")} rows={2} className={inputClass} spellCheck={false} />}
        </Field>
      )}
      {passChoice !== "none" && (
        <Field label="Headers never passed" help={`Up to ${MAX_HEADERS_PER_LIST} names, separated by commas or new lines.`} error={errorAt(errors, "headers.prohibit")}>
          {(a11y) => <textarea {...a11y} {...register("headers.prohibit")} rows={2} className={inputClass} spellCheck={false} />}
        </Field>
      )}
      <fieldset className="space-y-2">
        <legend className="text-sm font-medium text-slate-800">Headers set on every origin request</legend>
        {errorAt(errors, "headers.set") && <p className="text-xs font-medium text-red-700">{errorAt(errors, "headers.set")}</p>}
        {setHeaders.fields.map((field, index) => (
          <div key={field.id} className="grid grid-cols-[1fr_1fr_auto] items-start gap-2">
            <Field label={`Header ${index + 1} name`} error={errorAt(errors, `headers.set.${index}.name`)}>
              {(a11y) => <input {...a11y} {...register(`headers.set.${index}.name`)} className={inputClass} autoComplete="off" />}
            </Field>
            <Field label={`Header ${index + 1} value`} error={errorAt(errors, `headers.set.${index}.value`)}>
              {(a11y) => <input {...a11y} {...register(`headers.set.${index}.value`)} className={inputClass} autoComplete="off" />}
            </Field>
            <Button variant="link" className="mt-7 text-red-700" onClick={() => setHeaders.remove(index)} aria-label={`Remove header ${index + 1}`}>
              Remove
            </Button>
          </div>
        ))}
        <Button
          variant="secondary"
          disabled={setHeaders.fields.length >= MAX_HEADERS_PER_LIST}
          onClick={() => setHeaders.append({ name: "", value: "" })}
        >
          Add a header
        </Button>
        {setHeaders.fields.length >= MAX_HEADERS_PER_LIST && <p className="text-xs text-amber-700">At most {MAX_HEADERS_PER_LIST} headers can be set.</p>}
      </fieldset>
    </FormSection>
  );
}
