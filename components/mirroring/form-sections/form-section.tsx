import { get, type FieldErrors } from "react-hook-form";
import type { ReactNode } from "react";
import type { RuleFormValues } from "../rule-form-values";

export function FormSection({ title, children }: { title: string; children: ReactNode }) {
  const id = `section-${title.toLowerCase().replace(/[^a-z0-9]+/g, "-")}`;
  return (
    <section aria-labelledby={id} className="space-y-4 rounded-lg border border-slate-200 bg-white p-4">
      <h3 id={id} className="font-medium">
        {title}
      </h3>
      {children}
    </section>
  );
}

/** The message of a nested field's error ("origin.host"), if any. */
export function errorAt(errors: FieldErrors<RuleFormValues>, path: string): string | undefined {
  const error = get(errors, path) as { message?: string } | undefined;
  return error?.message;
}
