"use client";

/**
 * Export the bucket's rules as BOS JSON (the same configuration as `GET /v1/{bucket}?mirroring`),
 * and import one: the file is read and checked in the browser with the same parser the server
 * uses, the dialog shows what it replaces and with what, and the server replaces every rule in one
 * transaction on confirmation.
 */
import { useId, useState } from "react";
import { Breakable } from "@/components/ui/breakable";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { inputClass } from "@/components/ui/field";
import { useNotify } from "@/components/ui/notices";
import { parseBosConfiguration } from "@/lib/mirroring/bos-json";
import { fetchBosConfiguration, useImportBosConfiguration } from "@/lib/mirroring/rule-queries";
import type { MirrorRule, StoredMirrorRule } from "@/lib/mirroring/rule-schema";
import { describeCondition, findListConflict, ruleLabel } from "@/lib/mirroring/rule-set";
import { MODE_LABELS, formatOrigin } from "./rule-format";
import { countOf } from "@/lib/format-count";

interface Props {
  bucket: string;
  rules: StoredMirrorRule[];
  defaultStorageClass: string;
}

type Draft = { text: string; parsed: { ok: true; rules: MirrorRule[] } | { ok: false; message: string } | null };

function readDraft(text: string, defaultStorageClass: string): Draft {
  if (text.trim() === "") return { text, parsed: null };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { text, parsed: { ok: false, message: `This is not valid JSON: ${(error as Error).message}` } };
  }
  const parsed = parseBosConfiguration(json, defaultStorageClass);
  if (!parsed.ok) return { text, parsed };
  // The server refuses overlapping rules too, in the same words (the same function): say so before the user confirms.
  const conflict = findListConflict(parsed.rules);
  if (conflict) return { text, parsed: { ok: false, message: conflict.message } };
  return { text, parsed };
}

export function BosJsonTransfer({ bucket, rules, defaultStorageClass }: Props) {
  const notify = useNotify();
  const importRules = useImportBosConfiguration(bucket);
  const [open, setOpen] = useState(false);
  const [draft, setDraft] = useState<Draft>({ text: "", parsed: null });
  const textId = useId();
  const fileId = useId();
  const disabled = rules.filter((rule) => !rule.enabled).length;

  const exportRules = async () => {
    try {
      const configuration = await fetchBosConfiguration(bucket);
      const url = URL.createObjectURL(new Blob([`${JSON.stringify(configuration, null, 2)}\n`], { type: "application/json" }));
      const link = document.createElement("a");
      link.href = url;
      link.download = `${bucket}-mirroring.json`;
      link.click();
      URL.revokeObjectURL(url);
      const skipped = disabled > 0 ? ` ${countOf(disabled, "disabled rule")} left out: BOS has no disabled rules.` : "";
      notify("success", `Exported ${countOf(configuration.bucketMirroringConfiguration.length, "rule")} as ${bucket}-mirroring.json.${skipped}`);
    } catch (error) {
      notify("error", `Export failed: ${(error as Error).message}`);
    }
  };

  const close = () => {
    setOpen(false);
    setDraft({ text: "", parsed: null });
  };
  const blocked = !draft.parsed ? "Paste or choose a BOS JSON configuration first." : !draft.parsed.ok ? "Fix the configuration first." : null;

  return (
    <div className="flex gap-2">
      <Button variant="secondary" onClick={() => void exportRules()}>
        Export BOS JSON
      </Button>
      <Button variant="secondary" onClick={() => setOpen(true)}>
        Import BOS JSON
      </Button>
      <ConfirmDialog
        open={open}
        wide
        title="Import rules from BOS JSON"
        confirmLabel="Replace the rules"
        confirmBlocked={blocked}
        mutation={importRules}
        onCancel={close}
        onConfirm={() => {
          if (!draft.parsed?.ok) return;
          importRules.mutate(JSON.parse(draft.text), {
            onSuccess: ({ rules: saved }) => {
              notify("success", `Imported ${countOf(saved.length, "rule")} into ${bucket}; they are numbered from #${saved[0]?.id ?? "-"}.`);
              close();
            },
          });
        }}
      >
        <p>
          The configuration replaces <strong>every</strong> rule of {bucket}, disabled ones too, in one step. It is the JSON of BOS&apos;s{" "}
          <code>PUT ?mirroring</code> (<code>{`{"bucketMirroringConfiguration": [...]}`}</code>).
        </p>
        <div className="mt-3 space-y-1">
          <label htmlFor={fileId} className="block font-medium text-slate-800">
            Configuration file
          </label>
          <input
            id={fileId}
            type="file"
            accept="application/json,.json"
            className="block text-sm"
            onChange={(event) => {
              const file = event.target.files?.[0];
              if (file) void file.text().then((text) => setDraft(readDraft(text, defaultStorageClass)));
            }}
          />
        </div>
        <div className="mt-3 space-y-1">
          <label htmlFor={textId} className="block font-medium text-slate-800">
            Or paste it here
          </label>
          <textarea
            id={textId}
            rows={6}
            value={draft.text}
            onChange={(event) => setDraft(readDraft(event.target.value, defaultStorageClass))}
            className={`${inputClass} font-mono text-xs`}
            spellCheck={false}
            aria-describedby={`${textId}-result`}
          />
        </div>
        <div id={`${textId}-result`} aria-live="polite" className="mt-3">
          {draft.parsed && !draft.parsed.ok && (
            <p className="rounded bg-red-50 p-2 text-red-800">
              <Breakable text={draft.parsed.message} />
            </p>
          )}
          {draft.parsed?.ok && <ImportPreview current={rules} incoming={draft.parsed.rules} />}
        </div>
      </ConfirmDialog>
    </div>
  );
}

function ImportPreview({ current, incoming }: { current: StoredMirrorRule[]; incoming: MirrorRule[] }) {
  return (
    <div className="grid gap-3 sm:grid-cols-2">
      <div className="min-w-0">
        <h3 className="font-medium">Removed ({current.length})</h3>
        {current.length === 0 ? (
          <p className="text-slate-600">No rules today.</p>
        ) : (
          <ul className="list-disc pl-5">
            {current.map((rule) => (
              <li key={rule.id}>
                <Breakable text={`${ruleLabel(rule)}${rule.enabled ? "" : " (disabled)"}`} />
              </li>
            ))}
          </ul>
        )}
      </div>
      <div className="min-w-0">
        <h3 className="font-medium">Imported ({incoming.length})</h3>
        {incoming.length === 0 ? (
          <p className="text-slate-600">No rules: the bucket is left without any.</p>
        ) : (
          <ol className="list-decimal pl-5">
            {incoming.map((rule, index) => (
              <li key={index}>
                <Breakable text={`${MODE_LABELS[rule.mode]}, ${describeCondition(rule)}, from ${formatOrigin(rule.origin)}`} />
              </li>
            ))}
          </ol>
        )}
      </div>
    </div>
  );
}
