/**
 * Failed sign-ins, counted in a sliding window by client address (lib/http/client-address.ts),
 * so that nobody can lock other people out:
 * - per address: an address with too many failures, on any accounts, waits out the window;
 * - per account and address: guessing one account's password from one address stops sooner;
 * - per account, a backoff: once an account has many failures from anywhere (a guess spread over
 *   many addresses), an address that has itself failed on it waits, twice as long after each
 *   further failure. An address with no failure on the account is never held back, so the
 *   owner's correct password from their own address still gets in during an attack.
 * IPv6 clients are counted per /64, the block one subscriber usually holds.
 * Checked before any password is hashed. In memory (on globalThis, shared by every module copy)
 * and bounded in keys: a restart or an eviction forgets, which only ever unlocks early.
 */
import { isIP } from "node:net";

export const ADDRESS_FAILURES_ALLOWED = 20;
export const PAIR_FAILURES_ALLOWED = 5;
export const ACCOUNT_BACKOFF_AFTER = 10;
export const LOCKOUT_WINDOW_MS = 15 * 60 * 1000;
/** Failure records kept; past this the oldest keys are dropped (an attacker rotating addresses cannot exhaust memory). */
const MAX_TRACKED_KEYS = 100_000;
/** Timestamps kept per key: enough for every limit above and a backoff past the window. */
const MAX_TIMES_PER_KEY = 64;

const holder = globalThis as typeof globalThis & { __bosLoginFailures?: Map<string, number[]> };
const failures = () => (holder.__bosLoginFailures ??= new Map<string, number[]>());

/** The /64 of an IPv6 address (`2001:db8:1:2::/64`); an IPv4 address as is. */
export function throttleAddressKey(address: string): string {
  if (isIP(address) !== 6) return address;
  const [head = "", tail] = address.split("::");
  const groups = head === "" ? [] : head.split(":");
  if (tail !== undefined) {
    const tailGroups = tail === "" ? [] : tail.split(":");
    // An embedded IPv4 tail (`::ffff:1.2.3.4`) fills two groups.
    const tailLength = tailGroups.reduce((sum, group) => sum + (group.includes(".") ? 2 : 1), 0);
    groups.push(...Array<string>(Math.max(0, 8 - groups.length - tailLength)).fill("0"), ...tailGroups);
  }
  return `${groups
    .slice(0, 4)
    .map((group) => parseInt(group, 16).toString(16))
    .join(":")}::/64`;
}

function keys(address: string, email: string) {
  const from = throttleAddressKey(address);
  const account = email.toLowerCase();
  return { address: `address:${from}`, pair: `pair:${account} ${from}`, account: `account:${account}` };
}

function recent(key: string, now: number): number[] {
  const kept = (failures().get(key) ?? []).filter((time) => now - time < LOCKOUT_WINDOW_MS);
  if (kept.length > 0) failures().set(key, kept);
  else failures().delete(key);
  return kept;
}

/** When a key with `allowed` failures allowed opens again, or 0 if it is open. */
function openAt(times: number[], allowed: number): number {
  return times.length >= allowed ? times[times.length - allowed]! + LOCKOUT_WINDOW_MS : 0;
}

/** Seconds until this address may try this account, or 0 when the password may be checked now. */
export function lockoutSeconds(address: string, email: string, now = Date.now()): number {
  const key = keys(address, email);
  const pair = recent(key.pair, now);
  let until = Math.max(openAt(recent(key.address, now), ADDRESS_FAILURES_ALLOWED), openAt(pair, PAIR_FAILURES_ALLOWED));
  const account = recent(key.account, now);
  if (pair.length > 0 && account.length >= ACCOUNT_BACKOFF_AFTER) {
    const backoff = Math.min(1000 * 2 ** (account.length - ACCOUNT_BACKOFF_AFTER), LOCKOUT_WINDOW_MS);
    until = Math.max(until, account[account.length - 1]! + backoff);
  }
  return until > now ? Math.ceil((until - now) / 1000) : 0;
}

export function recordFailedLogin(address: string, email: string, now = Date.now()): void {
  const map = failures();
  for (const key of Object.values(keys(address, email))) {
    const times = [...recent(key, now), now].slice(-MAX_TIMES_PER_KEY);
    // Re-inserted, so the map's order is least recently failed first: eviction drops those.
    map.delete(key);
    map.set(key, times);
  }
  for (const key of map.keys()) {
    if (map.size <= MAX_TRACKED_KEYS) break;
    map.delete(key);
  }
}

/** The right password from this address: its failures on this account no longer count against it. */
export function recordSuccessfulLogin(address: string, email: string): void {
  failures().delete(keys(address, email).pair);
}
