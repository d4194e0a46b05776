/**
 * The audit log: every change to a bucket, rule, ACL, object or access key, recorded with who made
 * it and the request id (in the same transaction as the change, where it has one). Server only.
 */
import { db } from "@/lib/db/client";
import type { Prisma } from "@/lib/generated/prisma/client";
import type { AuditAction } from "./audit-actions";

/** Who is acting, and in which request: passed to every service call that changes something. */
export interface AuditContext {
  actor: string;
  requestId: string;
}

export const SYSTEM_AUDIT: AuditContext = { actor: "system", requestId: "startup" };

export interface AuditChange {
  action: AuditAction;
  bucket?: string | null;
  target?: string | number | null;
  before?: unknown;
  after?: unknown;
}

const asJson = (value: unknown) => (value === undefined || value === null ? null : JSON.stringify(value));

export async function recordAudit(tx: Prisma.TransactionClient, context: AuditContext, change: AuditChange): Promise<void> {
  await tx.auditEvent.create({
    data: {
      actor: context.actor,
      requestId: context.requestId,
      action: change.action,
      bucket: change.bucket ?? null,
      target: change.target === undefined || change.target === null ? null : String(change.target),
      before: asJson(change.before),
      after: asJson(change.after),
    },
  });
}

export interface AuditEventView {
  id: number;
  at: string;
  actor: string;
  action: string;
  bucket: string | null;
  target: string | null;
  before: unknown;
  after: unknown;
  requestId: string;
}

export const AUDIT_PAGE_SIZE = 25;

/** The `?before={id}` of an audit request, when it is a valid id. */
export function auditCursor(requestUrl: string): number | undefined {
  const before = Number(new URL(requestUrl).searchParams.get("before"));
  return Number.isInteger(before) && before > 0 ? before : undefined;
}

/** A bucket's events, newest first, `limit` at a time; pass the last id seen as `before`. */
export async function listAuditEvents(bucket: string | null, options: { before?: number; limit?: number } = {}) {
  const limit = Math.min(options.limit ?? AUDIT_PAGE_SIZE, 100);
  const rows = await db().auditEvent.findMany({
    where: { bucket, ...(options.before ? { id: { lt: options.before } } : {}) },
    orderBy: { id: "desc" },
    take: limit + 1,
  });
  const events: AuditEventView[] = rows.slice(0, limit).map((row) => ({
    ...row,
    at: row.at.toISOString(),
    before: row.before ? JSON.parse(row.before) : null,
    after: row.after ? JSON.parse(row.after) : null,
  }));
  return { events, nextBefore: rows.length > limit ? events[events.length - 1]!.id : null };
}
