/**
 * Applies the configured provider's migrations (prisma/migrations for SQLite, prisma/postgresql/
 * migrations for PostgreSQL: prisma.config.ts picks them from DATABASE_URL) with Prisma's own
 * `migrate deploy` (offline: JS engine + driver adapter). Runs before the server listens. Several
 * instances starting at once on one PostgreSQL database are safe: `migrate deploy` takes an advisory
 * lock, so one applies and the others then find nothing pending.
 */
import { execFile } from "node:child_process";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { createRequire } from "node:module";
import { promisify } from "node:util";
import { env } from "@/lib/env";

const run = promisify(execFile);

export async function applyMigrations(projectDir: string = process.cwd()): Promise<void> {
  const { database, dataDir } = env();
  await mkdir(dataDir, { recursive: true });
  if (database.provider === "sqlite") await mkdir(path.dirname(database.file), { recursive: true });
  const prismaCli = createRequire(path.join(projectDir, "package.json")).resolve("prisma/build/index.js");
  try {
    await run(process.execPath, [prismaCli, "migrate", "deploy"], {
      cwd: projectDir,
      env: { ...process.env, DATABASE_URL: database.url },
    });
  } catch (error) {
    const output = error as { stdout?: string; stderr?: string };
    throw new Error(`Database migration failed:\n${output.stdout ?? ""}${output.stderr ?? ""}`, { cause: error });
  }
}
