"use client";

/**
 * Live preview beside the rule form: recomputed in the browser on every keystroke. Parts a save
 * would refuse (the rule schema's own issues) are marked, not shown as if used; hosts the server
 * refuses unless its ORIGIN_ALLOWLIST names them are marked as such; "Check the origin now" asks
 * the real origin, through the server, which knows that list.
 */
import { useId, useState, type ReactNode } from "react";
import { useFormContext, useWatch } from "react-hook-form";
import { Breakable } from "@/components/ui/breakable";
import { Button } from "@/components/ui/button";
import { inputClass } from "@/components/ui/field";
import { computeRulePreview, defaultSampleKey } from "@/lib/mirroring/rule-preview";
import type { OriginCheckRequest } from "@/lib/mirroring/origin-check";
import type { StoredMirrorRule } from "@/lib/mirroring/rule-schema";
import { OriginCheck } from "./origin-check";
import type { RuleFormValues } from "./rule-form-values";

function Output({ label, children, mono = true }: { label: string; children: ReactNode; mono?: boolean }) {
  const id = useId();
  return (
    <div>
      <dt id={id} className="text-xs font-medium uppercase tracking-wide text-slate-700">
        {label}
      </dt>
      <dd>
        <output aria-labelledby={id} className={`block ${mono ? "font-mono text-xs" : "text-sm"}`}>
          {children}
        </output>
      </dd>
    </div>
  );
}

export const PREVIEW_ID = "rule-preview";

/** `rules`: the bucket's rules in force (enabled), which the draft must not overlap. */
export function RulePreviewPanel({ bucket, rules, ownId }: { bucket: string; rules: StoredMirrorRule[]; ownId?: number }) {
  const { control, setValue } = useFormContext<RuleFormValues>();
  const values = useWatch({ control }) as Partial<RuleFormValues>;
  const [typedKey, setTypedKey] = useState<string | null>(null);
  const [query, setQuery] = useState("");
  const keyId = useId();
  const queryId = useId();

  const sampleKey = typedKey ?? defaultSampleKey(values.conditionPrefix, values.conditionSuffix);
  const preview = computeRulePreview(values, sampleKey, query, rules, ownId);
  const checkBlocked = !preview.matches
    ? preview.addressRefused
      ? "A save would refuse this rule: fix the problems above first."
      : "The sample key does not match the condition."
    : preview.refusal
      ? "This key is never sent to an origin."
      : preview.problems.length > 0
        ? "A save would refuse this rule: fix the problems above first."
        : values.origin?.type === "url" && !values.origin.host
          ? "Enter a valid origin first."
          : null;

  return (
    <aside id={PREVIEW_ID} aria-labelledby="preview-title" className="h-fit min-w-0 space-y-4 rounded-lg border border-brand-100 bg-brand-50 p-4 lg:sticky lg:top-4">
      <h3 id="preview-title" className="font-medium">
        Preview
      </h3>
      <div className="space-y-1">
        <label htmlFor={keyId} className="block text-sm font-medium">
          Sample requested key
        </label>
        <p className="text-xs text-slate-700" aria-hidden>
          <Breakable text={`/v1/${bucket}/`} />
        </p>
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
      {preview.problems.length > 0 && (
        <div role="group" aria-label="Not valid yet" className="space-y-2 rounded border border-red-200 bg-white p-3 text-sm">
          <p className="font-medium text-red-700">Not valid yet: a save would refuse these</p>
          <ul className="list-disc space-y-1 pl-5 text-red-700">
            {preview.problems.map((problem, index) => (
              <li key={index}>
                <Breakable text={problem.message} />
                {problem.hostFix && (
                  <Button
                    variant="link"
                    className="ml-1"
                    onClick={() => {
                      const base = problem.field.replace(/\.host$/, "") as "origin" | "backupOrigin";
                      setValue(`${base}.protocol`, problem.hostFix!.protocol, { shouldDirty: true });
                      setValue(`${base}.host`, problem.hostFix!.host, { shouldDirty: true, shouldValidate: true });
                    }}
                  >
                    Use {problem.hostFix.protocol.toUpperCase()} and the host {problem.hostFix.host}
                  </Button>
                )}
              </li>
            ))}
          </ul>
        </div>
      )}
      {preview.cautions.length > 0 && (
        <div role="group" aria-label="Refused unless allowed" className="space-y-1 rounded border border-amber-300 bg-white p-3 text-sm text-amber-900">
          <p className="font-medium">Refused unless the server allows it</p>
          <ul className="list-disc space-y-1 pl-5">
            {preview.cautions.map((caution) => (
              <li key={caution.field}>
                <Breakable text={caution.message} />
              </li>
            ))}
          </ul>
          <p className="text-xs">Only the server reads that setting: checking the origin or saving tells whether it names this host.</p>
        </div>
      )}
      <dl className="space-y-3">
        {preview.addressRefused ? (
          <Output label={preview.redirect ? "Redirects to" : "Back-to-origin address"} mono={false}>
            <span className="text-red-700">{preview.addressRefused}</span>
          </Output>
        ) : preview.matches && preview.refusal ? (
          <Output label="Refused" mono={false}>
            <span className="text-red-700">{preview.refusal} A missing object with this key answers 400.</span>
          </Output>
        ) : preview.matches ? (
          <>
            <Output label={preview.redirect ? "Redirects to" : "Back-to-origin address"}>
              <Breakable text={preview.primary ?? ""} />
            </Output>
            {preview.backup && (
              <Output label="Backup address">
                <Breakable text={preview.backup} />
              </Output>
            )}
            <Output label="Stored as">
              <Breakable text={preview.storedKey ?? ""} />
            </Output>
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
          <Breakable text={preview.headers} />
        </Output>
        <Output label="Conflicts" mono={false}>
          {preview.conflict ? (
            <span className="text-red-700">
              <Breakable text={`${preview.conflict} Change the condition.`} />
            </span>
          ) : (
            "None with this bucket's other enabled rules."
          )}
        </Output>
      </dl>
      <OriginCheck
        bucket={bucket}
        disabledReason={checkBlocked}
        request={() => ({ rule: values as OriginCheckRequest["rule"], key: sampleKey, query })}
      />
    </aside>
  );
}
