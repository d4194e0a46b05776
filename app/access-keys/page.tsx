import type { Metadata } from "next";
import { AccessKeyManager } from "@/components/access-keys/access-key-manager";
import { AuditLogView } from "@/components/audit/audit-log-view";

export const metadata: Metadata = { title: "Access keys" };

export default function AccessKeysPage() {
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">Access keys</h1>
      <p className="max-w-3xl text-sm text-slate-600">
        Access keys sign object-API requests (bce-auth-v1), for example from BOS&apos;s SDKs. Every key has full access. The secret key is
        shown once, when the key is created.
      </p>
      <AccessKeyManager />
      <AuditLogView bucket={null} title="Changes to access keys" />
    </div>
  );
}
