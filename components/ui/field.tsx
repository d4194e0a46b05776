"use client";

/**
 * Label, control, help text and error for one form field, wired for assistive technology:
 * the control is described by its help and error, and marked invalid when there is an error.
 */
import { useId, type ReactNode } from "react";

export interface ControlProps {
  id: string;
  "aria-describedby"?: string;
  "aria-invalid"?: boolean;
}

interface FieldProps {
  label: string;
  help?: ReactNode;
  error?: string;
  /** Why the control is disabled, shown in place of the help text. */
  disabledReason?: string | null;
  children: (control: ControlProps) => ReactNode;
}

export const inputClass =
  "block w-full rounded-md border border-slate-300 bg-white px-2.5 py-1.5 text-sm shadow-sm focus:border-brand-600 focus:outline-2 focus:outline-brand-100 disabled:bg-slate-100 disabled:text-slate-500 aria-invalid:border-red-500";

export function Field({ label, help, error, disabledReason, children }: FieldProps) {
  const id = useId();
  const helpId = `${id}-help`;
  const errorId = `${id}-error`;
  const note = disabledReason ?? help;
  const describedBy = [note ? helpId : null, error ? errorId : null].filter(Boolean).join(" ") || undefined;
  return (
    <div className="space-y-1">
      <label htmlFor={id} className="block text-sm font-medium text-slate-800">
        {label}
      </label>
      {children({ id, "aria-describedby": describedBy, "aria-invalid": error ? true : undefined })}
      {note && (
        <p id={helpId} className={`text-xs ${disabledReason ? "text-amber-700" : "text-slate-600"}`}>
          {note}
        </p>
      )}
      {error && (
        <p id={errorId} className="text-xs font-medium text-red-700">
          {error}
        </p>
      )}
    </div>
  );
}

/** A group of radio buttons or checkboxes under one legend. */
export function Fieldset({ legend, help, error, children }: { legend: string; help?: ReactNode; error?: string; children: ReactNode }) {
  return (
    <fieldset className="space-y-1">
      <legend className="text-sm font-medium text-slate-800">{legend}</legend>
      <div className="flex flex-wrap gap-x-6 gap-y-2 pt-1">{children}</div>
      {help && <p className="text-xs text-slate-600">{help}</p>}
      {error && (
        <p role="alert" className="text-xs font-medium text-red-700">
          {error}
        </p>
      )}
    </fieldset>
  );
}

export function Choice({ label, description, ...input }: { label: string; description?: string } & React.InputHTMLAttributes<HTMLInputElement>) {
  return (
    <label className={`flex items-start gap-2 text-sm ${input.disabled ? "text-slate-400" : ""}`}>
      <input className="mt-0.5 accent-brand-600" {...input} />
      <span>
        {label}
        {description && <span className="block text-xs text-slate-600">{description}</span>}
      </span>
    </label>
  );
}
