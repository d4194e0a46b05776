/** Access keys (AK/SK): created with a secret shown once, listed, disabled, deleted. Server only. */
import { directSql } from "@/lib/db/direct-sql";
import { serializable } from "@/lib/db/transactions";
import { randomBytes } from "node:crypto";
import { SYSTEM_AUDIT, recordAudit, type AuditContext } from "@/lib/audit/audit-log";
import { db } from "@/lib/db/client";
import { NoSuchAccessKey } from "@/lib/domain/errors";
import { recordCacheChanges } from "@/lib/fleet/cache-changes";
import type { Prisma } from "@/lib/generated/prisma/client";
import { env } from "@/lib/env";
import type { MaybePromise } from "@/lib/maybe-promise";
import { currentApp } from "@/lib/runtime/current-app";
import { seal, unseal } from "./secret-box";

export interface AccessKeySummary {
  accessKeyId: string;
  description: string;
  enabled: boolean;
  createdAt: string;
}

type Row = { accessKeyId: string; description: string; enabled: boolean; createdAt: Date };

const toSummary = (row: Row): AccessKeySummary => ({
  accessKeyId: row.accessKeyId,
  description: row.description,
  enabled: row.enabled,
  createdAt: row.createdAt.toISOString(),
});

/** What verifying a signature needs of an access key. */
export interface SigningSecret {
  secretKey: string;
  enabled: boolean;
}

/**
 * Signing secrets are cached per process (lib/objects/ttl-cache.ts): a Prisma query plus the AES-GCM
 * unseal cost more than serving a 4 KiB object. Every change here forgets the key after its commit,
 * and records it in the change log in its transaction, so other instances forget it at their next
 * poll (lib/fleet/cache-sync.ts; a key created here may be cached elsewhere as unknown).
 */
const signingSecrets = () => currentApp().caches.signingSecrets;

const keyChanged = (tx: Prisma.TransactionClient, accessKeyId: string) => recordCacheChanges(directSql(db()).within(tx), [{ scope: "accessKey", bucketId: 0, name: accessKeyId }]);

const newAccessKeyId = () => randomBytes(10).toString("hex");
const newSecretKey = () => randomBytes(24).toString("base64url");

export async function listAccessKeys(): Promise<AccessKeySummary[]> {
  return (await db().accessKey.findMany({ orderBy: { id: "asc" } })).map(toSummary);
}

/** Creates a key; the secret is returned this once and stored only sealed. */
export async function createAccessKey(description: string, audit: AuditContext): Promise<AccessKeySummary & { secretKey: string }> {
  const secretKey = newSecretKey();
  const row = await db().$transaction(async (tx) => {
    const created = await tx.accessKey.create({ data: { accessKeyId: newAccessKeyId(), secretSealed: seal(secretKey), description } });
    await keyChanged(tx, created.accessKeyId);
    // The secret never goes into the log.
    await recordAudit(tx, audit, { action: "accessKey.create", target: created.accessKeyId, after: toSummary(created) });
    return created;
  });
  signingSecrets().forget(row.accessKeyId);
  return { ...toSummary(row), secretKey };
}

async function changeAccessKey(accessKeyId: string, audit: AuditContext, action: "enable" | "disable" | "delete") {
  // SERIALIZABLE: the key changed is the one read (a concurrent delete makes this one NoSuchAccessKey),
  // and the audit event's "before" is what it replaced.
  const changed = await serializable(db(), async (tx) => {
    const row = await tx.accessKey.findFirst({ where: { accessKeyId } });
    if (!row) throw new NoSuchAccessKey(accessKeyId);
    const after = action === "delete" ? null : await tx.accessKey.update({ where: { id: row.id }, data: { enabled: action === "enable" } });
    if (action === "delete") await tx.accessKey.delete({ where: { id: row.id } });
    await keyChanged(tx, accessKeyId);
    await recordAudit(tx, audit, { action: `accessKey.${action}`, target: accessKeyId, before: toSummary(row), after: after && toSummary(after) });
    return after && toSummary(after);
  });
  // After the commit: a lookup that read the row before it is not stored (ttl-cache.ts).
  signingSecrets().forget(accessKeyId);
  return changed;
}

export async function setAccessKeyEnabled(accessKeyId: string, enabled: boolean, audit: AuditContext): Promise<AccessKeySummary> {
  return (await changeAccessKey(accessKeyId, audit, enabled ? "enable" : "disable"))!;
}

export async function deleteAccessKey(accessKeyId: string, audit: AuditContext): Promise<void> {
  await changeAccessKey(accessKeyId, audit, "delete");
}

/**
 * The secret of an enabled key, for verifying a signature; null when unknown or disabled. The
 * cached answer itself when there is one (the hit path: lib/maybe-promise.ts), else a promise.
 */
export function findSigningSecret(accessKeyId: string): MaybePromise<SigningSecret | null> {
  const cached = signingSecrets().get(accessKeyId);
  if (cached !== undefined) return cached;
  return loadSigningSecret(accessKeyId);
}

async function loadSigningSecret(accessKeyId: string): Promise<SigningSecret | null> {
  const cache = signingSecrets();
  const generation = cache.generation;
  const row = await db().accessKey.findFirst({ where: { accessKeyId } });
  const found = row ? { secretKey: unseal(row.secretSealed), enabled: row.enabled } : null;
  cache.set(accessKeyId, found, generation);
  return found;
}

/**
 * First run: the key from ROOT_ACCESS_KEY/ROOT_SECRET_KEY is created (or its secret updated); with
 * neither set and no key yet, one is generated. Returns a generated key so the caller prints it once.
 */
export async function ensureRootAccessKey(): Promise<{ accessKeyId: string; secretKey: string } | null> {
  const configured = env().rootAccessKey;
  if (configured) {
    // Written only when it changes: a start on a full disk must not fail here.
    const existing = await db().accessKey.findFirst({ where: { accessKeyId: configured.accessKeyId } });
    if (existing?.enabled && unseal(existing.secretSealed) === configured.secretKey) return null;
    const sealed = seal(configured.secretKey);
    await db().$transaction(async (tx) => {
      await tx.accessKey.upsert({
        where: { accessKeyId: configured.accessKeyId },
        create: { accessKeyId: configured.accessKeyId, secretSealed: sealed, description: "root (ROOT_ACCESS_KEY)" },
        update: { secretSealed: sealed, enabled: true },
      });
      await keyChanged(tx, configured.accessKeyId);
    });
    signingSecrets().forget(configured.accessKeyId);
    return null;
  }
  if ((await db().accessKey.count()) > 0) return null;
  const secretKey = newSecretKey();
  const accessKeyId = newAccessKeyId();
  await db().$transaction(async (tx) => {
    const created = await tx.accessKey.create({ data: { accessKeyId, secretSealed: seal(secretKey), description: "root (generated on first start)" } });
    await keyChanged(tx, accessKeyId);
    await recordAudit(tx, SYSTEM_AUDIT, { action: "accessKey.create", target: accessKeyId, after: toSummary(created) });
  });
  signingSecrets().forget(accessKeyId);
  return { accessKeyId, secretKey };
}
