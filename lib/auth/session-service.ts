/**
 * Console users and sessions. A session is a random token in an httpOnly, SameSite=Strict cookie;
 * the database keeps only its SHA-256, so a copy of the database cannot be replayed as a session.
 * Server only.
 */
import { createHash, randomBytes } from "node:crypto";
import { db } from "@/lib/db/client";
import { env } from "@/lib/env";
import { hashPassword, verifyPassword, type PasswordCheckHooks } from "./password";

export const SESSION_TTL_MS = 7 * 24 * 3600 * 1000;

export interface SessionUser {
  id: number;
  email: string;
}

const sessionId = (token: string) => createHash("sha256").update(token).digest("hex");

/** A password check that costs the same whether or not the account exists (hashed on first use). */
let decoyHash: Promise<string> | undefined;

function decoy(): Promise<string> {
  decoyHash ??= hashPassword(randomBytes(16).toString("hex")).catch((error: unknown) => {
    // Refused at a busy password gate: hash it on a later call rather than fail every one.
    decoyHash = undefined;
    throw error;
  });
  return decoyHash;
}

/**
 * The user, or null for a wrong email or password. The hooks run during the password's turn at
 * the hashing gate (see password.ts); `afterHash` is told whether the sign-in succeeds.
 */
export async function checkCredentials(email: string, password: string, hooks: PasswordCheckHooks = {}): Promise<SessionUser | null> {
  const user = await db().user.findFirst({ where: { email: email.toLowerCase() } });
  const valid = await verifyPassword(user?.passwordHash ?? (await decoy()), password, {
    beforeHash: hooks.beforeHash,
    afterHash: (matched) => hooks.afterHash?.(user !== null && matched),
  });
  return user && valid ? { id: user.id, email: user.email } : null;
}

export async function createSession(userId: number): Promise<{ token: string; expiresAt: Date }> {
  const token = randomBytes(32).toString("base64url");
  const expiresAt = new Date(Date.now() + SESSION_TTL_MS);
  await db().session.create({ data: { id: sessionId(token), userId, expiresAt } });
  return { token, expiresAt };
}

/** The user of a live session, or null for an unknown, revoked or expired token. */
export async function sessionUser(token: string | undefined): Promise<SessionUser | null> {
  if (!token) return null;
  const session = await db().session.findFirst({ where: { id: sessionId(token) }, include: { user: true } });
  if (!session) return null;
  if (session.expiresAt.getTime() <= Date.now()) {
    await db().session.deleteMany({ where: { id: session.id } });
    return null;
  }
  return { id: session.user.id, email: session.user.email };
}

export async function revokeSession(token: string): Promise<void> {
  await db().session.deleteMany({ where: { id: sessionId(token) } });
}

/** First run: the admin from ADMIN_EMAIL/ADMIN_PASSWORD, or a generated one when there is no user yet. */
export async function ensureAdminUser(): Promise<{ email: string; password: string } | null> {
  const configured = env().admin;
  if (configured) {
    // Written only when it changes: a start on a full disk must not fail here.
    const existing = await db().user.findFirst({ where: { email: configured.email } });
    if (existing && (await verifyPassword(existing.passwordHash, configured.password))) return null;
    const passwordHash = await hashPassword(configured.password);
    await db().user.upsert({ where: { email: configured.email }, create: { email: configured.email, passwordHash }, update: { passwordHash } });
    return null;
  }
  if ((await db().user.count()) > 0) return null;
  const generated = { email: "admin@bos-mirror.local", password: randomBytes(12).toString("base64url") };
  await db().user.create({ data: { email: generated.email, passwordHash: await hashPassword(generated.password) } });
  return generated;
}
