/**
 * Transactions whose invariant is "what I read is still true when I write" (read a row, decide,
 * write). On SQLite every transaction is serializable anyway: one writer at a time. On PostgreSQL
 * the default, READ COMMITTED, lets another transaction change or insert the rows read in between,
 * and the decision is then made on stale data (a blob orphaned or removed while in use, a rule
 * number given out twice, a conflicting rule let in). These run SERIALIZABLE instead: PostgreSQL
 * aborts one of two transactions whose reads and writes overlap (SQLSTATE 40001, Prisma's P2034),
 * and the work runs again from the start, reading the winner's data. A deadlock (40P01) is retried
 * the same way. `work` must therefore do nothing outside the database that a second run would get
 * wrong (in-memory cache invalidations are fine: invalidating twice is harmless).
 *
 * Each caller states the invariant it needs this for.
 */
import { someCause } from "@/lib/domain/error-causes";
import type { Prisma, PrismaClient } from "@/lib/generated/prisma/client";

/**
 * Attempts at most. PostgreSQL's serializable checks also abort transactions that only touched
 * neighbouring rows (its predicate locks can cover a page or a table), so a burst of commits (an
 * upload of thousands of objects) needs more than a few: 8 were seen to run out. The backoff grows
 * from 5 ms and stops growing at 200 ms, about 3 s in all.
 */
const ATTEMPTS = 20;
const BACKOFF_MS = 5;
const BACKOFF_MAX_MS = 200;

export async function serializable<T>(db: PrismaClient, work: (tx: Prisma.TransactionClient) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.$transaction(work, { isolationLevel: "Serializable" });
    } catch (error) {
      if (attempt >= ATTEMPTS || !isSerializationFailure(error)) throw error;
      // Jittered, growing: two transactions that collided should not collide again in step.
      const delay = Math.min(BACKOFF_MAX_MS, BACKOFF_MS * 2 ** (attempt - 1)) * (0.5 + Math.random());
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

const RETRYABLE_SQLSTATES = new Set(["40001", "40P01"]);

/** Prisma's P2034, or the driver's SQLSTATE 40001/40P01 anywhere in the error's causes. */
export function isSerializationFailure(error: unknown): boolean {
  return someCause(
    error,
    (record) =>
      record.code === "P2034" ||
      (typeof record.originalCode === "string" && RETRYABLE_SQLSTATES.has(record.originalCode)) ||
      (typeof record.code === "string" && RETRYABLE_SQLSTATES.has(record.code)),
  );
}
