"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useForm, useWatch } from "react-hook-form";
import type { z } from "zod";
import { Button } from "@/components/ui/button";
import { Field, inputClass } from "@/components/ui/field";
import { applyServerErrors } from "@/components/ui/form-server-errors";
import { useNotify } from "@/components/ui/notices";
import { createBucketSchema } from "@/lib/buckets/bucket-name";
import { useCreateBucket } from "@/lib/buckets/bucket-queries";
import { ZONE_TYPES, ZONE_TYPE_LABELS, storageClassesFor } from "@/lib/buckets/storage-class";
import { StorageClassOptions } from "./storage-class-options";

type Values = z.input<typeof createBucketSchema>;

export function CreateBucketForm() {
  const router = useRouter();
  const notify = useNotify();
  const create = useCreateBucket();
  const [formError, setFormError] = useState<string | null>(null);
  const form = useForm<Values, unknown, z.output<typeof createBucketSchema>>({
    resolver: zodResolver(createBucketSchema),
    defaultValues: { name: "", zoneType: "SINGLE_AZ", defaultStorageClass: "STANDARD" },
  });
  const { register, handleSubmit, formState, setError, setValue, control } = form;
  const zoneType = useWatch({ control, name: "zoneType" });

  const onSubmit = handleSubmit(async (values) => {
    setFormError(null);
    try {
      const bucket = await create.mutateAsync(values);
      notify("success", `Bucket ${bucket.name} created.`);
      router.push(`/buckets/${bucket.name}/configuration`);
    } catch (error) {
      setFormError(applyServerErrors(error, setError));
    }
  });

  return (
    <form onSubmit={onSubmit} noValidate aria-labelledby="create-bucket-title" className="rounded-lg border border-slate-200 bg-white p-4">
      <h2 id="create-bucket-title" className="mb-3 font-medium">
        Create a bucket
      </h2>
      {formError && (
        <p role="alert" className="mb-3 rounded bg-red-50 p-2 text-sm text-red-700">
          {formError}
        </p>
      )}
      <div className="grid gap-4 md:grid-cols-[2fr_1fr_1fr_auto] md:items-start">
        <Field label="Bucket name" help="3–63 lowercase letters, digits or hyphens." error={formState.errors.name?.message}>
          {(a11y) => <input {...a11y} {...register("name")} className={inputClass} autoComplete="off" />}
        </Field>
        <Field label="Zone type" error={formState.errors.zoneType?.message}>
          {(a11y) => (
            <select
              {...a11y}
              {...register("zoneType", {
                onChange: (event) => setValue("defaultStorageClass", storageClassesFor(event.target.value)[0]!),
              })}
              className={inputClass}
            >
              {ZONE_TYPES.map((zone) => (
                <option key={zone} value={zone}>
                  {ZONE_TYPE_LABELS[zone]}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Default storage class" error={formState.errors.defaultStorageClass?.message}>
          {(a11y) => (
            <select {...a11y} {...register("defaultStorageClass")} className={inputClass}>
              <StorageClassOptions zoneType={zoneType ?? "SINGLE_AZ"} />
            </select>
          )}
        </Field>
        <Button type="submit" className="md:mt-6" disabled={formState.isSubmitting}>
          {formState.isSubmitting ? "Creating…" : "Create bucket"}
        </Button>
      </div>
    </form>
  );
}
