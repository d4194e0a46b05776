/**
 * Whether `test` holds for an error or anything it wraps. Prisma and its driver adapters nest the
 * driver's own error several levels deep (`cause`, `meta`, `meta.driverAdapterError`, …), so the
 * checks that classify a failure (a full disk, a busy database, a serialization failure) look
 * through all of them. Bounded: cycles are skipped, and at most 16 objects are looked at.
 */
export function someCause(error: unknown, test: (value: Record<string, unknown>) => boolean): boolean {
  const seen = new Set<unknown>();
  const pending: unknown[] = [error];
  while (pending.length > 0) {
    const value = pending.pop();
    if (typeof value !== "object" || value === null || seen.has(value) || seen.size > 16) continue;
    seen.add(value);
    const record = value as Record<string, unknown>;
    if (test(record)) return true;
    pending.push(record.cause, record.meta, record.driverAdapterError);
  }
  return false;
}
