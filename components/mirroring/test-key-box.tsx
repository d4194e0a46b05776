"use client";

/** "Which rule serves this key, and where would it fetch from?", answered in the browser. */
import { useId, useState } from "react";
import { inputClass } from "@/components/ui/field";
import { computeOriginAddress, formatOriginTarget } from "@/lib/mirroring/origin-address";
import type { StoredMirrorRule } from "@/lib/mirroring/rule-schema";
import { findMatchingRule, ruleLabel } from "@/lib/mirroring/rule-set";
import { MODE_LABELS } from "./rule-format";

export function TestKeyBox({ rules }: { rules: StoredMirrorRule[] }) {
  const [key, setKey] = useState("");
  const id = useId();
  const rule = key ? findMatchingRule(rules, key) : null;
  const address = rule ? computeOriginAddress(rule, key) : null;

  return (
    <div className="rounded-md border border-slate-200 bg-slate-50 p-4">
      <label htmlFor={id} className="block text-sm font-medium">
        Test a key
      </label>
      <p id={`${id}-help`} className="text-xs text-slate-500">
        Type an object key to see which rule a missing object would use and where it would be fetched from.
      </p>
      <input
        id={id}
        aria-describedby={`${id}-help`}
        value={key}
        onChange={(event) => setKey(event.target.value)}
        placeholder="e.g. abc/myobject.docx"
        className={`${inputClass} mt-2 max-w-xl`}
        autoComplete="off"
      />
      <div aria-live="polite" data-testid="test-key-result" className="mt-3 text-sm">
        {key && !rule && <p>No rule matches “{key}”: a GET for it answers 404 when the object is missing.</p>}
        {rule && address && (
          <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1">
            <dt className="text-slate-500">Matching rule</dt>
            <dd>
              {ruleLabel(rule)}, {MODE_LABELS[rule.mode]}
            </dd>
            <dt className="text-slate-500">{rule.mode === "redirect" ? "Redirects to" : "Fetches from"}</dt>
            <dd className="break-all font-mono text-xs">{formatOriginTarget(address.primary)}</dd>
            {address.backup && (
              <>
                <dt className="text-slate-500">Then, on 404 or failure</dt>
                <dd className="break-all font-mono text-xs">{formatOriginTarget(address.backup)}</dd>
              </>
            )}
            <dt className="text-slate-500">Stored as</dt>
            <dd className="break-all font-mono text-xs">{address.storedKey}</dd>
          </dl>
        )}
      </div>
    </div>
  );
}
