"use client";

/** Live preview beside the rule form: recomputed in the browser on every keystroke. */
import { useId, useState, type ReactNode } from "react";
import { useFormContext, useWatch } from "react-hook-form";
import { Button } from "@/components/ui/button";
import { inputClass } from "@/components/ui/field";
import { computeRulePreview, defaultSampleKey } from "@/lib/mirroring/rule-preview";
import type { StoredMirrorRule } from "@/lib/mirroring/rule-schema";
import type { RuleFormValues } from "./rule-form-values";

function Output({ label, children, mono = true }: { label: string; children: ReactNode; mono?: boolean }) {
  const id = useId();
  return (
    <div>
      <dt id={id} className="text-xs font-medium uppercase tracking-wide text-slate-500">
        {label}
      </dt>
      <dd>
        <output aria-labelledby={id} className={`block break-all ${mono ? "font-mono text-xs" : "text-sm"}`}>
          {children}
        </output>
      </dd>
    </div>
  );
}

export function RulePreviewPanel({ bucket, rules, ownId }: { bucket: string; rules: StoredMirrorRule[]; ownId?: number }) {
  const { control } = useFormContext<RuleFormValues>();
  const values = useWatch({ control }) as Partial<RuleFormValues>;
  const [typedKey, setTypedKey] = useState<string | null>(null);
  const [query, setQuery] = useState("");
  const keyId = useId();
  const queryId = useId();

  const sampleKey = typedKey ?? defaultSampleKey(values.conditionPrefix, values.conditionSuffix);
  const preview = computeRulePreview(values, sampleKey, query, rules, ownId);

  return (
    <aside aria-labelledby="preview-title" className="h-fit space-y-4 rounded-lg border border-brand-100 bg-brand-50 p-4 lg:sticky lg:top-4">
      <h3 id="preview-title" className="font-medium">
        Preview
      </h3>
      <div className="space-y-1">
        <label htmlFor={keyId} className="block text-sm font-medium">
          Sample requested key
        </label>
        <div className="flex items-center gap-1 text-xs text-slate-500">
          <span aria-hidden>/v1/{bucket}/</span>
        </div>
        <input id={keyId} value={sampleKey} onChange={(event) => setTypedKey(event.target.value)} className={inputClass} autoComplete="off" spellCheck={false} />
        {typedKey !== null && (
          <Button variant="link" onClick={() => setTypedKey(null)}>
            Use a key that matches the condition
          </Button>
        )}
      </div>
      <div className="space-y-1">
        <label htmlFor={queryId} className="block text-sm font-medium">
          Sample query string
        </label>
        <input id={queryId} value={query} onChange={(event) => setQuery(event.target.value)} placeholder="e.g. x=1&y=2" className={inputClass} autoComplete="off" />
      </div>
      <dl className="space-y-3">
        {preview.matches && preview.refusal ? (
          <Output label="Refused" mono={false}>
            <span className="text-red-700">{preview.refusal} A missing object with this key answers 400.</span>
          </Output>
        ) : preview.matches ? (
          <>
            <Output label={preview.redirect ? "Redirects to" : "Back-to-origin address"}>{preview.primary}</Output>
            {preview.backup && <Output label="Backup address">{preview.backup}</Output>}
            <Output label="Stored as">{preview.storedKey}</Output>
          </>
        ) : (
          <Output label="Does not match" mono={false}>
            {preview.mismatch} Missing objects with this key answer 404.
          </Output>
        )}
        <Output label="Query string" mono={false}>
          {preview.query}
        </Output>
        <Output label="Headers" mono={false}>
          {preview.headers}
        </Output>
        <Output label="Conflicts" mono={false}>
          {preview.conflict ? (
            <span className="text-red-700">Overlaps {preview.conflict}: a key could match both. Change the condition.</span>
          ) : (
            "None with this bucket's other rules."
          )}
        </Output>
      </dl>
    </aside>
  );
}
