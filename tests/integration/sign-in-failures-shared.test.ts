/**
 * The sign-in throttle's counts live in the database, so every instance behind a load balancer
 * counts the same failures: failures another instance wrote (its own database client) lock the
 * address out here too, and a success here forgets them there.
 */
import { afterAll, expect, it } from "vitest";
import { PAIR_FAILURES_ALLOWED, throttleKeys } from "@/lib/auth/login-throttle";
import { lockoutSeconds, recordSuccessfulLogin } from "@/lib/auth/sign-in-failures";
import { createPrismaClient } from "@/lib/db/create-client";
import { env } from "@/lib/env";

const otherInstance = createPrismaClient(env().database);
afterAll(() => otherInstance.$disconnect());

it("locks out an address for failures another instance recorded, and forgets them after a success here", async () => {
  const keys = throttleKeys("198.51.100.20", "shared@example.com");
  const at = new Date();
  await otherInstance.signInFailure.createMany({
    data: Array.from({ length: PAIR_FAILURES_ALLOWED }, () => Object.values(keys).map((key) => ({ key, at }))).flat(),
  });
  expect(await lockoutSeconds("198.51.100.20", "shared@example.com")).toBeGreaterThan(0);
  expect(await lockoutSeconds("198.51.100.21", "shared@example.com")).toBe(0);

  await recordSuccessfulLogin("198.51.100.20", "shared@example.com");
  expect(await otherInstance.signInFailure.count({ where: { key: keys.pair } })).toBe(0);
  expect(await lockoutSeconds("198.51.100.20", "shared@example.com")).toBe(0);
});
