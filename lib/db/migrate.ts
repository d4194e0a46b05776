/**
 * Applies prisma/migrations to the configured database with Prisma's own `migrate deploy`
 * (offline: JS engine + driver adapter, see prisma.config.ts). Runs before the server listens.
 */
import { execFile } from "node:child_process";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { createRequire } from "node:module";
import { promisify } from "node:util";
import { env } from "@/lib/env";

const run = promisify(execFile);

export async function applyMigrations(projectDir: string = process.cwd()): Promise<void> {
  const { databaseFile, dataDir } = env();
  await mkdir(dataDir, { recursive: true });
  await mkdir(path.dirname(databaseFile), { recursive: true });
  const prismaCli = createRequire(path.join(projectDir, "package.json")).resolve("prisma/build/index.js");
  try {
    await run(process.execPath, [prismaCli, "migrate", "deploy"], {
      cwd: projectDir,
      env: { ...process.env, DATABASE_URL: env().databaseUrl },
    });
  } catch (error) {
    const output = error as { stdout?: string; stderr?: string };
    throw new Error(`Database migration failed:\n${output.stdout ?? ""}${output.stderr ?? ""}`, { cause: error });
  }
}
