/**
 * Failed sign-ins, in the database (SignInFailure rows), so that every instance counts the same
 * ones: the throttle's rule (login-throttle.ts) reads them before a password is hashed and again
 * when the hash's turn comes; a failure is written before the next check's turn begins.
 * Rows older than the window are deleted as new failures arrive, so the table holds at most the
 * last 15 minutes of failures (each costs a password hash, one at a time per instance).
 */
import { db } from "@/lib/db/client";
import { LOCKOUT_WINDOW_MS, lockoutSecondsFor, throttleKeys, type FailureTimes } from "./login-throttle";

/** Seconds until this address may try this account, or 0 when the password may be checked now. */
export async function lockoutSeconds(address: string, email: string, now = Date.now()): Promise<number> {
  const keys = throttleKeys(address, email);
  const rows = await db().signInFailure.findMany({
    where: { key: { in: Object.values(keys) }, at: { gt: new Date(now - LOCKOUT_WINDOW_MS) } },
    orderBy: { at: "asc" },
    select: { key: true, at: true },
  });
  const timesOf = (key: string) => rows.filter((row) => row.key === key).map((row) => row.at.getTime());
  const failures: FailureTimes = { address: timesOf(keys.address), pair: timesOf(keys.pair), account: timesOf(keys.account) };
  return lockoutSecondsFor(failures, now);
}

export async function recordFailedLogin(address: string, email: string, now = Date.now()): Promise<void> {
  const at = new Date(now);
  await db().signInFailure.createMany({ data: Object.values(throttleKeys(address, email)).map((key) => ({ key, at })) });
  await db().signInFailure.deleteMany({ where: { at: { lte: new Date(now - LOCKOUT_WINDOW_MS) } } });
}

/** The right password from this address: its failures on this account no longer count against it. */
export async function recordSuccessfulLogin(address: string, email: string): Promise<void> {
  await db().signInFailure.deleteMany({ where: { key: throttleKeys(address, email).pair } });
}

