import { beforeEach, describe, expect, it } from "vitest";
import {
  ACCOUNT_BACKOFF_AFTER,
  ADDRESS_FAILURES_ALLOWED,
  LOCKOUT_WINDOW_MS,
  PAIR_FAILURES_ALLOWED,
  lockoutSecondsFor,
  throttleAddressKey,
  throttleKeys,
} from "./login-throttle";

const T0 = 1_700_000_000_000;
/** The failures as the database keeps them (sign-in-failures.ts), by key, oldest first. */
let failures: Map<string, number[]>;
const fail = (address: string, email: string, times: number, now = T0) => {
  for (let i = 0; i < times; i++) for (const key of Object.values(throttleKeys(address, email))) failures.set(key, [...(failures.get(key) ?? []), now]);
};
const lockoutSeconds = (address: string, email: string, now: number) => {
  const keys = throttleKeys(address, email);
  return lockoutSecondsFor({ address: failures.get(keys.address) ?? [], pair: failures.get(keys.pair) ?? [], account: failures.get(keys.account) ?? [] }, now);
};
const recordSuccessfulLogin = (address: string, email: string) => failures.delete(throttleKeys(address, email).pair);

beforeEach(() => {
  failures = new Map();
});

describe("throttleAddressKey", () => {
  it.each([
    ["198.51.100.7", "198.51.100.7"],
    ["2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"],
    ["2001:db8:1:2::9", "2001:db8:1:2::/64"],
    ["2001:0db8:0001:0002::", "2001:db8:1:2::/64"],
    ["2001:db8::1", "2001:db8:0:0::/64"],
    ["::1", "0:0:0:0::/64"],
    ["fe80::1:2:3:4", "fe80:0:0:0::/64"],
    ["unknown", "unknown"],
  ])("%s counts as %s", (address, key) => expect(throttleAddressKey(address)).toBe(key));
});

describe("lockoutSeconds", () => {
  it("locks one account for one address only, until the window has passed", () => {
    fail("198.51.100.1", "a@example.com", PAIR_FAILURES_ALLOWED);
    expect(lockoutSeconds("198.51.100.1", "A@example.com", T0)).toBe(LOCKOUT_WINDOW_MS / 1000);
    expect(lockoutSeconds("198.51.100.2", "a@example.com", T0)).toBe(0);
    expect(lockoutSeconds("198.51.100.1", "b@example.com", T0)).toBe(0);
    expect(lockoutSeconds("198.51.100.1", "a@example.com", T0 + LOCKOUT_WINDOW_MS)).toBe(0);
  });

  it("locks an address across accounts", () => {
    for (let i = 0; i < ADDRESS_FAILURES_ALLOWED; i++) fail("198.51.100.3", `u${i}@example.com`, 1);
    expect(lockoutSeconds("198.51.100.3", "fresh@example.com", T0)).toBeGreaterThan(0);
    expect(lockoutSeconds("198.51.100.4", "fresh@example.com", T0)).toBe(0);
  });

  it("backs off the account for addresses that failed on it, doubling, but never for a fresh address", () => {
    for (let i = 0; i < ACCOUNT_BACKOFF_AFTER; i++) fail(`192.0.2.${i}`, "target@example.com", 1);
    expect(lockoutSeconds("192.0.2.0", "target@example.com", T0)).toBe(1);
    expect(lockoutSeconds("192.0.2.0", "target@example.com", T0 + 1000)).toBe(0);
    fail("192.0.2.50", "target@example.com", 1);
    expect(lockoutSeconds("192.0.2.0", "target@example.com", T0)).toBe(2);
    expect(lockoutSeconds("192.0.2.99", "target@example.com", T0)).toBe(0);
  });

  it("forgets an address's failures on an account once it signs in there", () => {
    fail("198.51.100.5", "c@example.com", PAIR_FAILURES_ALLOWED - 1);
    recordSuccessfulLogin("198.51.100.5", "c@example.com");
    fail("198.51.100.5", "c@example.com", PAIR_FAILURES_ALLOWED - 1);
    expect(lockoutSeconds("198.51.100.5", "c@example.com", T0)).toBe(0);
  });

  it("counts only failures inside the window", () => {
    fail("198.51.100.6", "d@example.com", PAIR_FAILURES_ALLOWED, T0 - LOCKOUT_WINDOW_MS);
    expect(lockoutSeconds("198.51.100.6", "d@example.com", T0)).toBe(0);
  });
});
