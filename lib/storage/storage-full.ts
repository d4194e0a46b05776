/**
 * Whether a failure means the disk (or quota) is full: ENOSPC/EDQUOT from the file system, or
 * SQLite's SQLITE_FULL (result code 13), which reaches us wrapped by Prisma's driver adapter.
 * Both protocols answer it with 507 and a code, not a bare 500.
 */
const FILE_SYSTEM_FULL = new Set(["ENOSPC", "EDQUOT"]);
const SQLITE_FULL = 13;

function isFullHere(value: Record<string, unknown>): boolean {
  if (typeof value.code === "string" && (FILE_SYSTEM_FULL.has(value.code) || value.code.startsWith("SQLITE_FULL"))) return true;
  // @prisma/driver-adapter-utils: { kind: "sqlite", extendedCode } (the extended code's low byte is the result code).
  return value.kind === "sqlite" && typeof value.extendedCode === "number" && (value.extendedCode & 0xff) === SQLITE_FULL;
}

export function isStorageFull(error: unknown): boolean {
  const seen = new Set<unknown>();
  const pending: unknown[] = [error];
  while (pending.length > 0) {
    const value = pending.pop();
    if (typeof value !== "object" || value === null || seen.has(value) || seen.size > 16) continue;
    seen.add(value);
    const record = value as Record<string, unknown>;
    if (isFullHere(record)) return true;
    pending.push(record.cause, record.meta, record.driverAdapterError);
  }
  return false;
}
