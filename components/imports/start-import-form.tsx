"use client";

/**
 * Starts an import: from a pasted key list (sent as text/plain, one key per line) or from an
 * origin listing (a bucket of this deployment, or an S3-compatible origin), with the job's limits.
 * The server checks everything again; its field errors are shown here.
 */
import { useRef, useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { Field, inputClass } from "@/components/ui/field";
import { useNotify } from "@/components/ui/notices";
import { ApiRequestError } from "@/lib/api/api-client";
import { useStartImport, type StartImportInput } from "@/lib/imports/import-queries";
import { DEFAULT_IMPORT_CONCURRENCY, MAX_IMPORT_CONCURRENCY, importLimitsSchema, type ImportLimits } from "@/lib/imports/import-schema";
import { countOf } from "@/lib/format-count";

type SourceKind = "list" | "bos" | "s3";

const optionalNumber = (value: string) => (value.trim() === "" ? null : Number(value));

export function StartImportForm({ bucket }: { bucket: string }) {
  const start = useStartImport(bucket);
  const notify = useNotify();
  const [kind, setKind] = useState<SourceKind>("list");
  const [keys, setKeys] = useState("");
  const [originBucket, setOriginBucket] = useState("");
  const [endpoint, setEndpoint] = useState("");
  const [s3Bucket, setS3Bucket] = useState("");
  const [region, setRegion] = useState("us-east-1");
  const [accessKeyId, setAccessKeyId] = useState("");
  const [secretAccessKey, setSecretAccessKey] = useState("");
  const [prefix, setPrefix] = useState("");
  const [concurrency, setConcurrency] = useState(String(DEFAULT_IMPORT_CONCURRENCY));
  const [requestsPerSecond, setRequestsPerSecond] = useState("");
  const [bytesPerSecond, setBytesPerSecond] = useState("");
  const [overwrite, setOverwrite] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const formRef = useRef<HTMLFormElement>(null);

  function submit(event: FormEvent) {
    event.preventDefault();
    const limits = importLimitsSchema.safeParse({
      concurrency: Number(concurrency),
      overwrite,
      requestsPerSecond: optionalNumber(requestsPerSecond),
      bytesPerSecond: optionalNumber(bytesPerSecond),
    });
    const found: Record<string, string> = {};
    if (!limits.success) for (const issue of limits.error.issues) found[String(issue.path[0])] ??= issue.message;
    if (kind === "list" && keys.trim() === "") found.keys = "Paste at least one key, one per line.";
    if (kind === "bos" && originBucket.trim() === "") found["source.bucket"] = "Name the origin bucket.";
    if (kind === "s3" && endpoint.trim() === "") found["source.endpoint"] = "Give the endpoint URL.";
    if (kind === "s3" && s3Bucket.trim() === "") found["source.bucket"] = "Name the origin bucket.";
    setErrors(found);
    if (!limits.success || Object.keys(found).length > 0) {
      // The first field at fault takes the focus (on a phone it may be off-screen above the button).
      requestAnimationFrame(() => formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus());
      return;
    }
    const chosen: ImportLimits = limits.data;
    const input: StartImportInput =
      kind === "list"
        ? { kind: "list", text: keys, limits: chosen }
        : kind === "bos"
          ? { kind: "json", request: { ...chosen, source: { type: "bos", bucket: originBucket.trim(), prefix } } }
          : {
              kind: "json",
              request: {
                ...chosen,
                source: {
                  type: "s3",
                  endpoint: endpoint.trim(),
                  bucket: s3Bucket.trim(),
                  region,
                  prefix,
                  ...(accessKeyId ? { accessKeyId, secretAccessKey } : {}),
                },
              },
            };
    start.mutate(input, {
      onSuccess: (job) => {
        notify("success", `Import job #${job.id} started with ${countOf(job.total, "key")}${job.listing ? " so far (listing the origin)" : ""}.`);
        setKeys("");
        setSecretAccessKey("");
      },
      onError: (error) => {
        if (error instanceof ApiRequestError && error.fieldErrors) {
          setErrors(Object.fromEntries(Object.entries(error.fieldErrors).map(([path, messages]) => [path.startsWith("source.keys") ? "keys" : path, messages.join(" ")])));
        }
      },
    });
  }

  const serverError = start.error && !(start.error instanceof ApiRequestError && start.error.fieldErrors) ? start.error.message : null;
  return (
    <form ref={formRef} onSubmit={submit} noValidate aria-labelledby="start-import-title" className="space-y-4 rounded-lg border border-slate-200 bg-white p-4">
      <h3 id="start-import-title" className="text-base font-medium">
        Start an import
      </h3>
      <fieldset className="space-y-1">
        <legend className="text-sm font-medium text-slate-800">Keys to import</legend>
        {(
          [
            ["list", "A list of keys I paste"],
            ["bos", "Every key of a bucket of this deployment (bos://)"],
            ["s3", "Every key of an S3-compatible origin (listed with ListObjectsV2)"],
          ] as const
        ).map(([value, label]) => (
          <label key={value} className="flex items-center gap-2 text-sm">
            <input type="radio" name="import-source" value={value} checked={kind === value} onChange={() => setKind(value)} />
            {label}
          </label>
        ))}
      </fieldset>

      {kind === "list" && (
        <Field label="Keys, one per line" help="Each key goes through the bucket's matching mirror rule, exactly as a GET of a missing key would." error={errors.keys}>
          {(control) => <textarea {...control} rows={6} className={`${inputClass} font-mono`} value={keys} onChange={(event) => setKeys(event.target.value)} />}
        </Field>
      )}
      {kind === "bos" && (
        <Field label="Origin bucket" help="Its keys are imported under the same names." error={errors["source.bucket"]}>
          {(control) => <input {...control} className={inputClass} value={originBucket} onChange={(event) => setOriginBucket(event.target.value)} />}
        </Field>
      )}
      {kind === "s3" && (
        <div className="grid gap-3 md:grid-cols-2">
          <Field label="Endpoint" help="For example https://s3.example.com" error={errors["source.endpoint"]}>
            {(control) => <input {...control} className={inputClass} value={endpoint} onChange={(event) => setEndpoint(event.target.value)} />}
          </Field>
          <Field label="Origin bucket" error={errors["source.bucket"]}>
            {(control) => <input {...control} className={inputClass} value={s3Bucket} onChange={(event) => setS3Bucket(event.target.value)} />}
          </Field>
          <Field label="Region" error={errors["source.region"]}>
            {(control) => <input {...control} className={inputClass} value={region} onChange={(event) => setRegion(event.target.value)} />}
          </Field>
          <Field label="Access key (empty to list anonymously)" error={errors["source.accessKeyId"]}>
            {(control) => <input {...control} className={inputClass} autoComplete="off" value={accessKeyId} onChange={(event) => setAccessKeyId(event.target.value)} />}
          </Field>
          <Field label="Secret key" help="Stored sealed, never shown again." error={errors["source.secretAccessKey"]}>
            {(control) => <input {...control} type="password" autoComplete="off" className={inputClass} value={secretAccessKey} onChange={(event) => setSecretAccessKey(event.target.value)} />}
          </Field>
        </div>
      )}
      {kind !== "list" && (
        <Field label="Prefix (optional)" help="Only keys that start with it." error={errors["source.prefix"]}>
          {(control) => <input {...control} className={inputClass} value={prefix} onChange={(event) => setPrefix(event.target.value)} />}
        </Field>
      )}

      <div className="grid gap-3 md:grid-cols-3">
        <Field label="Concurrency" help={`Origin requests at a time, 1 to ${MAX_IMPORT_CONCURRENCY}.`} error={errors.concurrency}>
          {(control) => <input {...control} type="number" min={1} max={MAX_IMPORT_CONCURRENCY} className={inputClass} value={concurrency} onChange={(event) => setConcurrency(event.target.value)} />}
        </Field>
        <Field label="Requests per second (optional)" error={errors.requestsPerSecond}>
          {(control) => <input {...control} type="number" min={1} className={inputClass} value={requestsPerSecond} onChange={(event) => setRequestsPerSecond(event.target.value)} />}
        </Field>
        <Field label="Bytes per second (optional)" error={errors.bytesPerSecond}>
          {(control) => <input {...control} type="number" min={1} className={inputClass} value={bytesPerSecond} onChange={(event) => setBytesPerSecond(event.target.value)} />}
        </Field>
      </div>
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" checked={overwrite} onChange={(event) => setOverwrite(event.target.checked)} />
        Fetch again keys the bucket already holds (overwrite)
      </label>
      {serverError && (
        <p role="alert" className="rounded bg-red-50 p-2 text-sm text-red-700">
          {serverError}
        </p>
      )}
      <Button type="submit" disabled={start.isPending}>
        {start.isPending ? "Starting…" : "Start import"}
      </Button>
    </form>
  );
}
