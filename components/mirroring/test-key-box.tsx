"use client";

/**
 * "What happens to a GET of this key?": a stored key is served from the bucket and back-to-origin
 * does not run; otherwise the matching rule, where it would fetch from, and a live origin check.
 */
import { useEffect, useId, useState } from "react";
import { Breakable } from "@/components/ui/breakable";
import { inputClass } from "@/components/ui/field";
import { computeOriginAddress, formatOriginTarget } from "@/lib/mirroring/origin-address";
import { useKeyStatus } from "@/lib/mirroring/rule-queries";
import type { StoredMirrorRule } from "@/lib/mirroring/rule-schema";
import { findMatchingRule, ruleLabel } from "@/lib/mirroring/rule-set";
import { OriginCheck } from "./origin-check";
import { MODE_LABELS } from "./rule-format";

function StoredNotice({ status }: { status: NonNullable<ReturnType<typeof useKeyStatus>["data"]>["stored"] }) {
  if (!status) return null;
  return (
    <p className="rounded border border-emerald-200 bg-emerald-50 p-2 text-emerald-900">
      This key is stored in the bucket ({status.size.toLocaleString()} bytes{status.contentType ? `, ${status.contentType}` : ""}, last modified{" "}
      {new Date(status.lastModified).toLocaleString()}): a GET serves it from the bucket and back-to-origin does not run.
    </p>
  );
}

export function TestKeyBox({ bucket, rules }: { bucket: string; rules: StoredMirrorRule[] }) {
  const [key, setKey] = useState("");
  const id = useId();
  // The server is asked once typing pauses, not on every keystroke.
  const [askedKey, setAskedKey] = useState("");
  useEffect(() => {
    const timer = setTimeout(() => setAskedKey(key), 250);
    return () => clearTimeout(timer);
  }, [key]);
  const status = useKeyStatus(bucket, askedKey);
  const inForce = rules.filter((rule) => rule.enabled);
  const rule = key ? findMatchingRule(inForce, key) : null;
  const disabledMatch = key && !rule ? findMatchingRule(rules.filter((other) => !other.enabled), key) : null;
  const address = rule ? computeOriginAddress(rule, key) : null;
  const stored = status.data?.key === key ? status.data.stored : null;

  return (
    <div className="rounded-md border border-slate-200 bg-slate-50 p-4">
      <label htmlFor={id} className="block text-sm font-medium">
        Test a key
      </label>
      <p id={`${id}-help`} className="text-xs text-slate-700">
        Type an object key to see whether it is stored, which rule a missing object would use, and where it would be fetched from.
      </p>
      <input
        id={id}
        aria-describedby={`${id}-help`}
        value={key}
        onChange={(event) => setKey(event.target.value)}
        placeholder="e.g. abc/myobject.docx"
        className={`${inputClass} mt-2 max-w-xl`}
        autoComplete="off"
        spellCheck={false}
      />
      <div aria-live="polite" data-testid="test-key-result" className="mt-3 space-y-2 text-sm">
        <StoredNotice status={stored} />
        {key && !rule && (
          <p>
            {disabledMatch ? `Only ${ruleLabel(disabledMatch)} matches “${key}”, and it is disabled` : `No rule matches “${key}”`}:{" "}
            {stored ? "were it deleted, a GET" : "a GET for it"} answers 404 when the object is missing.
          </p>
        )}
        {rule && address && (
          <>
            {stored && <p className="font-medium">Were it missing:</p>}
            <dl className="grid grid-cols-[max-content_minmax(0,1fr)] gap-x-4 gap-y-1">
              <dt className="text-slate-700">Matching rule</dt>
              <dd>
                {ruleLabel(rule)}, {MODE_LABELS[rule.mode]}
              </dd>
              {address.refusal ? (
                <>
                  <dt className="text-slate-700">Refused</dt>
                  <dd className="text-red-700">{address.refusal}</dd>
                </>
              ) : (
                <>
                  <dt className="text-slate-700">{rule.mode === "redirect" ? "Redirects to" : "Fetches from"}</dt>
                  <dd className="font-mono text-xs">
                    <Breakable text={formatOriginTarget(address.primary)} />
                  </dd>
                  {address.backup && (
                    <>
                      <dt className="text-slate-700">Then, on 404 or failure</dt>
                      <dd className="font-mono text-xs">
                        <Breakable text={formatOriginTarget(address.backup)} />
                      </dd>
                    </>
                  )}
                  <dt className="text-slate-700">Stored as</dt>
                  <dd className="font-mono text-xs">
                    <Breakable text={address.storedKey} />
                  </dd>
                </>
              )}
            </dl>
            {!address.refusal && (
              <OriginCheck
                key={`${rule.id}\0${key}`}
                bucket={bucket}
                request={() => {
                  const { id: _id, enabled: _enabled, version: _version, createdAt: _created, updatedAt: _updated, ...fields } = rule;
                  return { rule: fields, key };
                }}
              />
            )}
          </>
        )}
      </div>
    </div>
  );
}
