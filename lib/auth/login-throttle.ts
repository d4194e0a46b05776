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
 * Checked before any password is hashed. This module is the rule, without I/O; the failures it
 * counts are in the database (sign-in-failures.ts), so every instance behind a load balancer counts
 * the same failures, and a restart forgets nothing.
 */
import { isIP } from "node:net";

export const ADDRESS_FAILURES_ALLOWED = 20;
export const PAIR_FAILURES_ALLOWED = 5;
export const ACCOUNT_BACKOFF_AFTER = 10;
export const LOCKOUT_WINDOW_MS = 15 * 60 * 1000;
/** Timestamps that matter per key: enough for every limit above and a backoff past the window. */
export const MAX_TIMES_PER_KEY = 64;

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

/** The three counters a sign-in attempt counts against: its address, its account from that address, its account. */
export interface ThrottleKeys {
  address: string;
  pair: string;
  account: string;
}

export function throttleKeys(address: string, email: string): ThrottleKeys {
  const from = throttleAddressKey(address);
  const account = email.toLowerCase();
  return { address: `address:${from}`, pair: `pair:${account} ${from}`, account: `account:${account}` };
}

/** Each key's failure times (milliseconds), oldest first; older than the window or not, they are filtered here. */
export type FailureTimes = Record<keyof ThrottleKeys, readonly number[]>;

/** When a key with `allowed` failures allowed opens again, or 0 if it is open. */
function openAt(times: readonly number[], allowed: number): number {
  return times.length >= allowed ? times[times.length - allowed]! + LOCKOUT_WINDOW_MS : 0;
}

/** Seconds until this address may try this account, given the failures counted so far, or 0 when the password may be checked now. */
export function lockoutSecondsFor(failures: FailureTimes, now: number): number {
  const recent = (times: readonly number[]) => times.filter((time) => now - time < LOCKOUT_WINDOW_MS).slice(-MAX_TIMES_PER_KEY);
  const pair = recent(failures.pair);
  let until = Math.max(openAt(recent(failures.address), ADDRESS_FAILURES_ALLOWED), openAt(pair, PAIR_FAILURES_ALLOWED));
  const account = recent(failures.account);
  if (pair.length > 0 && account.length >= ACCOUNT_BACKOFF_AFTER) {
    const backoff = Math.min(1000 * 2 ** (account.length - ACCOUNT_BACKOFF_AFTER), LOCKOUT_WINDOW_MS);
    until = Math.max(until, account[account.length - 1]! + backoff);
  }
  return until > now ? Math.ceil((until - now) / 1000) : 0;
}
