/**
 * Whether a failure means the disk (or quota) is full: ENOSPC/EDQUOT from the file system,
 * SQLite's SQLITE_FULL (result code 13), which reaches us wrapped by Prisma's driver adapter,
 * PostgreSQL's disk_full (SQLSTATE 53100: its server's disk, which a 507 describes as well), or an
 * S3-compatible blob store that is out of space (507) or over its quota (radosgw's 403
 * QuotaExceeded). Both protocols answer it with 507 and a code, not a bare 500.
 */
import { someCause } from "@/lib/domain/error-causes";
const FILE_SYSTEM_FULL = new Set(["ENOSPC", "EDQUOT"]);
const SQLITE_FULL = 13;
const POSTGRES_DISK_FULL = "53100";
const S3_STORE_FULL = new Set(["QuotaExceeded", "InsufficientStorage", "InsufficientCapacity"]);

function isS3StoreFull(value: Record<string, unknown>): boolean {
  const metadata = value.$metadata as { httpStatusCode?: unknown } | undefined;
  if (typeof metadata !== "object" || metadata === null) return false;
  return metadata.httpStatusCode === 507 || (typeof value.name === "string" && S3_STORE_FULL.has(value.name));
}

function isFullHere(value: Record<string, unknown>): boolean {
  if (typeof value.code === "string" && (FILE_SYSTEM_FULL.has(value.code) || value.code.startsWith("SQLITE_FULL"))) return true;
  // @prisma/driver-adapter-utils: { kind: "sqlite", extendedCode } (the extended code's low byte is
  // the result code); @prisma/adapter-pg: { kind: "postgres", code: SQLSTATE } for codes it does not map.
  if (value.kind === "postgres" && value.code === POSTGRES_DISK_FULL) return true;
  return value.kind === "sqlite" && typeof value.extendedCode === "number" && (value.extendedCode & 0xff) === SQLITE_FULL;
}

export function isStorageFull(error: unknown): boolean {
  return someCause(error, (value) => isFullHere(value) || isS3StoreFull(value));
}
