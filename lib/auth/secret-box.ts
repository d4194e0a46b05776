/**
 * Access-key secrets at rest: sealed with AES-256-GCM under a master key kept in
 * DATA_DIR/master.key (created on first use, readable by the owner only). The database alone
 * does not reveal any secret.
 */
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { env } from "@/lib/env";

const holder = globalThis as typeof globalThis & { __bosMasterKey?: Buffer };

function masterKey(): Buffer {
  if (holder.__bosMasterKey) return holder.__bosMasterKey;
  const file = path.join(env().dataDir, "master.key");
  let key: Buffer;
  try {
    key = Buffer.from(readFileSync(file, "utf8").trim(), "base64");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    key = randomBytes(32);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, key.toString("base64"), { mode: 0o600, flag: "wx" });
  }
  if (key.length !== 32) throw new Error(`${file} does not hold a 32-byte key`);
  holder.__bosMasterKey = key;
  return key;
}

export function seal(secret: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", masterKey(), iv);
  const sealed = Buffer.concat([cipher.update(secret, "utf8"), cipher.final()]);
  return [iv, cipher.getAuthTag(), sealed].map((part) => part.toString("base64")).join(".");
}

export function unseal(box: string): string {
  const [iv, tag, sealed] = box.split(".").map((part) => Buffer.from(part, "base64"));
  const decipher = createDecipheriv("aes-256-gcm", masterKey(), iv!);
  decipher.setAuthTag(tag!);
  return Buffer.concat([decipher.update(sealed!), decipher.final()]).toString("utf8");
}
