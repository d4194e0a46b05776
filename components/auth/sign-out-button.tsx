"use client";

import { useRouter } from "next/navigation";
import { Button } from "@/components/ui/button";
import { apiFetch } from "@/lib/api/api-client";

export function SignOutButton({ email }: { email: string }) {
  const router = useRouter();
  return (
    <div className="ml-auto flex items-center gap-3 text-sm text-slate-600">
      <span>{email}</span>
      <Button
        variant="secondary"
        onClick={async () => {
          await apiFetch("/api/auth/logout", { method: "POST" }).catch(() => undefined);
          router.replace("/sign-in");
          router.refresh();
        }}
      >
        Sign out
      </Button>
    </div>
  );
}
