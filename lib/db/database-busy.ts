/**
 * Whether a failure means the database could not serve a request in time because it is busy,
 * rather than that anything is wrong with the request or the data: nothing of the request was
 * stored, and trying again later can succeed. The protocols answer it with 503 and Retry-After
 * (lib/runtime/known-failures.ts), not a bare 500.
 *
 * - Prisma's P2028 when an interactive transaction could not start within `maxWait` (every
 *   connection busy: SQLite has one) or ran past its `timeout` and was rolled back. P2028 also
 *   covers misuse of a transaction (a query after its commit), which is a bug and stays a 500:
 *   only the two timeouts count.
 * - Prisma's P2024, no pool connection within the pool's timeout, and P1008, an operation timed out.
 * - SQLite's SQLITE_BUSY (result code 5): another process held the write lock for longer than the
 *   busy timeout (several instances on one SQLite file).
 * - PostgreSQL's too_many_connections (SQLSTATE 53300), and lock_not_available (55P03): a statement
 *   waited past `lock_timeout` for a lock another transaction holds.
 */
import { someCause } from "@/lib/domain/error-causes";
const SQLITE_BUSY = 5;
const POSTGRES_BUSY = new Set(["53300", "55P03"]);
const TRANSACTION_TIMED_OUT = /unable to start a transaction in the given time|expired transaction/i;

function isBusyHere(value: Record<string, unknown>): boolean {
  if (value.code === "P2024" || value.code === "P1008") return true;
  if (value.code === "P2028") return typeof value.message === "string" && TRANSACTION_TIMED_OUT.test(value.message);
  if (typeof value.code === "string" && value.code.startsWith("SQLITE_BUSY")) return true;
  // The better-sqlite3 adapter reports SQLITE_BUSY as { kind: "SocketTimeout", originalCode }.
  if (typeof value.originalCode === "string" && value.originalCode.startsWith("SQLITE_BUSY")) return true;
  // @prisma/driver-adapter-utils: { kind: "sqlite", extendedCode } (the low byte is the result
  // code); @prisma/adapter-pg: { kind: "postgres", code: SQLSTATE } for codes it does not map.
  if (value.kind === "sqlite" && typeof value.extendedCode === "number") return (value.extendedCode & 0xff) === SQLITE_BUSY;
  // @prisma/adapter-pg names too_many_connections; lock_not_available (lock_timeout) comes as its SQLSTATE.
  if (value.kind === "TooManyConnections") return true;
  return value.kind === "postgres" && typeof value.code === "string" && POSTGRES_BUSY.has(value.code);
}

export function isDatabaseBusy(error: unknown): boolean {
  return someCause(error, isBusyHere);
}
