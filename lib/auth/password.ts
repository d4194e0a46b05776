/**
 * Password hashing with scrypt (Node's own), stored as `scrypt$N$r$p$salt$hash` in base64. Every
 * hash takes a turn at the password gate, so sign-ins cannot take over the I/O thread pool.
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from "node:crypto";
import { passwordGate } from "./password-gate";

const PARAMS = { N: 16384, r: 8, p: 1 };
const KEY_BYTES = 32;

function derive(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) =>
    scrypt(password, salt, KEY_BYTES, { ...options, maxmem: 64 * 1024 * 1024 }, (error, key) => (error ? reject(error) : resolve(key))),
  );
}

/**
 * Run while a check holds its turn at the gate: `beforeHash` may throw to give the turn up unused
 * (the caller's throttle locked it out while it waited), and `afterHash` sees the outcome before
 * the next check's turn begins, so that check's `beforeHash` already counts it.
 */
export interface PasswordCheckHooks {
  beforeHash?: () => void | Promise<void>;
  afterHash?: (matched: boolean) => void | Promise<void>;
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await passwordGate().run(() => derive(password, salt, PARAMS));
  return ["scrypt", PARAMS.N, PARAMS.r, PARAMS.p, salt.toString("base64"), key.toString("base64")].join("$");
}

/** Throws HashingBusyError when too many checks wait, or whatever `beforeHash` throws. */
export async function verifyPassword(stored: string, password: string, hooks: PasswordCheckHooks = {}): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split("$");
  const expected = Buffer.from(hash ?? "", "base64");
  return passwordGate().run(async () => {
    await hooks.beforeHash?.();
    let matched = false;
    if (scheme === "scrypt" && salt && hash) {
      const actual = await derive(password, Buffer.from(salt, "base64"), { N: Number(n), r: Number(r), p: Number(p) });
      matched = actual.length === expected.length && timingSafeEqual(actual, expected);
    }
    await hooks.afterHash?.(matched);
    return matched;
  });
}
