"use client";

/** Type, protocol and host (or bucket) of one origin; used for the primary and the backup origin. */
import { useFormContext, useWatch } from "react-hook-form";
import { Choice, Field, Fieldset, inputClass } from "@/components/ui/field";
import { NEW_URL_ORIGIN, newBackupUrlOrigin, type RuleFormValues } from "../rule-form-values";
import { errorAt } from "./form-section";

/** The other buckets, and which of them a public bucket's rule would expose. */
export interface OriginBuckets {
  names: string[];
  privateNames: string[];
  /** This bucket is public-read: anyone can GET through its rules. */
  thisBucketPublic: boolean;
}

interface OriginFieldsProps {
  name: "origin" | "backupOrigin";
  label: string;
  buckets: OriginBuckets;
}

export function OriginFields({ name, label, buckets }: OriginFieldsProps) {
  const otherBucketNames = buckets.names;
  const { register, setValue, getValues, formState, control } = useFormContext<RuleFormValues>();
  const type = useWatch({ control, name: `${name}.type` });
  const chosenBucket = useWatch({ control, name: `${name}.bucket` as "origin.bucket" }) as string | undefined;
  const exposesPrivate = type === "bucket" && buckets.thisBucketPublic && !!chosenBucket && buckets.privateNames.includes(chosenBucket);
  const noBuckets = otherBucketNames.length === 0 ? "No other bucket exists in this deployment." : null;

  // Back to a URL, the backup takes the primary's protocol again (as when it is turned on).
  const newUrlOrigin = () => (name === "backupOrigin" ? newBackupUrlOrigin(getValues("origin")) : { ...NEW_URL_ORIGIN });
  const chooseType = (next: "url" | "bucket") =>
    setValue(name, next === "bucket" ? { type: "bucket", protocol: "http", bucket: otherBucketNames[0] ?? "" } : newUrlOrigin(), {
      shouldValidate: formState.isSubmitted,
    });

  return (
    <div className="space-y-4">
      <Fieldset legend={`${label} type`} help={noBuckets ?? undefined}>
        <Choice type="radio" name={`${name}-type`} label="Third-party URL" checked={type === "url"} onChange={() => chooseType("url")} />
        <Choice
          type="radio"
          name={`${name}-type`}
          label="Private bucket of this deployment"
          checked={type === "bucket"}
          disabled={noBuckets !== null}
          onChange={() => chooseType("bucket")}
        />
      </Fieldset>
      {/* Keyed: without keys React would reuse the bucket <select> as the protocol <select> (same place,
          same element) and react-hook-form, seeing the element it knows, would not put the value back,
          so the protocol would show HTTP whatever the form holds. */}
      {type === "bucket" ? (
        <div key="bucket" className="space-y-2">
          <Field
            label={`${label} bucket`}
            help={
              chosenBucket
                ? `Read directly from bucket ${chosenBucket} of this deployment: no HTTP request is made, so there is no protocol to choose. The preview writes it as bos://${chosenBucket}/….`
                : undefined
            }
            error={errorAt(formState.errors, `${name}.bucket`)}
          >
            {(a11y) => (
              <select {...a11y} {...register(`${name}.bucket`)} className={`${inputClass} max-w-md`}>
                {otherBucketNames.map((bucket) => (
                  <option key={bucket} value={bucket}>
                    {bucket}
                  </option>
                ))}
              </select>
            )}
          </Field>
          {exposesPrivate && (
            <p role="note" className="rounded border border-amber-300 bg-amber-50 p-2 text-sm text-amber-900">
              This bucket is public and {chosenBucket} is private: anyone can read {chosenBucket}&apos;s objects through this rule, because a GET here
              for a missing key copies the object from {chosenBucket} and serves it.
            </p>
          )}
        </div>
      ) : (
        <div key="url" className="grid gap-4 md:grid-cols-[10rem_1fr]">
          <Field label={`${label} protocol`} error={errorAt(formState.errors, `${name}.protocol`)}>
            {(a11y) => (
              <select {...a11y} {...register(`${name}.protocol`)} className={inputClass}>
                <option value="http">HTTP</option>
                <option value="https">HTTPS</option>
              </select>
            )}
          </Field>
          <Field
            label={`${label} domain`}
            help="Domain name or IP address with an optional port: www.myweb.com, 203.0.113.10:8080, [2001:db8::1]:8080."
            error={errorAt(formState.errors, `${name}.host`)}
          >
            {(a11y) => <input {...a11y} {...register(`${name}.host`)} className={inputClass} autoComplete="off" spellCheck={false} />}
          </Field>
        </div>
      )}
    </div>
  );
}
