"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { Button } from "@/components/ui/button";
import { Field, inputClass } from "@/components/ui/field";
import { ApiRequestError, apiFetch } from "@/lib/api/api-client";
import { signInSchema, type SignInInput } from "@/lib/auth/sign-in-schema";

export function SignInForm({ next }: { next: string }) {
  const [error, setError] = useState<string | null>(null);
  const form = useForm<SignInInput>({ resolver: zodResolver(signInSchema), defaultValues: { email: "", password: "" } });
  const { register, handleSubmit, formState } = form;

  const onSubmit = handleSubmit(async (values) => {
    setError(null);
    try {
      await apiFetch("/api/auth/login", { method: "POST", body: values });
      // A full navigation, so that server components see the new session cookie.
      window.location.assign(next);
    } catch (caught) {
      setError(caught instanceof ApiRequestError ? caught.message : "Signing in failed. Please try again.");
    }
  });

  return (
    <form onSubmit={onSubmit} noValidate aria-label="Sign in" className="space-y-4 rounded-lg border border-slate-200 bg-white p-6">
      {error && (
        <p role="alert" className="rounded bg-red-50 p-2 text-sm text-red-700">
          {error}
        </p>
      )}
      <Field label="Email" error={formState.errors.email?.message}>
        {(a11y) => <input {...a11y} {...register("email")} type="email" autoComplete="username" className={inputClass} />}
      </Field>
      <Field label="Password" error={formState.errors.password?.message}>
        {(a11y) => <input {...a11y} {...register("password")} type="password" autoComplete="current-password" className={inputClass} />}
      </Field>
      <Button type="submit" className="w-full justify-center" disabled={formState.isSubmitting}>
        {formState.isSubmitting ? "Signing in…" : "Sign in"}
      </Button>
    </form>
  );
}
