/**
 * Failed sign-ins, counted per client IP and per account in a sliding window. Past the limit the
 * IP or account is locked out until the window has passed; the answer says when to retry.
 * In memory (on globalThis, shared by every module copy): a restart forgets, which only ever
 * unlocks early.
 */
export const ACCOUNT_FAILURES_ALLOWED = 5;
export const IP_FAILURES_ALLOWED = 20;
export const LOCKOUT_WINDOW_MS = 15 * 60 * 1000;

const holder = globalThis as typeof globalThis & { __bosLoginFailures?: Map<string, number[]> };
const failures = () => (holder.__bosLoginFailures ??= new Map<string, number[]>());

function recent(key: string, now: number): number[] {
  const kept = (failures().get(key) ?? []).filter((time) => now - time < LOCKOUT_WINDOW_MS);
  if (kept.length > 0) failures().set(key, kept);
  else failures().delete(key);
  return kept;
}

const keys = (ip: string, email: string) => [
  { key: `account:${email.toLowerCase()}`, allowed: ACCOUNT_FAILURES_ALLOWED },
  { key: `ip:${ip}`, allowed: IP_FAILURES_ALLOWED },
];

/** Seconds until the next attempt is allowed, or 0 when it is allowed now. */
export function lockoutSeconds(ip: string, email: string, now = Date.now()): number {
  let wait = 0;
  for (const { key, allowed } of keys(ip, email)) {
    const times = recent(key, now);
    if (times.length >= allowed) wait = Math.max(wait, Math.ceil((times[times.length - allowed]! + LOCKOUT_WINDOW_MS - now) / 1000));
  }
  return wait;
}

export function recordFailedLogin(ip: string, email: string, now = Date.now()): void {
  for (const { key } of keys(ip, email)) failures().set(key, [...recent(key, now), now]);
}

export function recordSuccessfulLogin(email: string): void {
  failures().delete(`account:${email.toLowerCase()}`);
}
