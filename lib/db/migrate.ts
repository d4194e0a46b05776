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
import { env, type DatabaseConfig } from "@/lib/env";
import { createPrismaClient } from "./create-client";

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
  await checkDatabase(database);
}

/**
 * What the schema cannot enforce about a PostgreSQL database: keys are UTF-8 and compared bytewise
 * (COLLATE "C"), which is UTF-8 byte order only in a UTF8 database; another encoding would refuse
 * or mangle keys outside it. Stops the start with what to do instead.
 */
export async function checkDatabase(database: DatabaseConfig): Promise<void> {
  if (database.provider !== "postgresql") return;
  const db = createPrismaClient(database);
  try {
    const [row] = await db.$queryRaw<{ encoding: string }[]>`SELECT current_setting('server_encoding') AS encoding`;
    if (row?.encoding !== "UTF8") {
      throw new Error(
        `DATABASE_URL's database uses the ${row?.encoding ?? "unknown"} encoding; object keys need UTF8. ` +
          "Create it with CREATE DATABASE … ENCODING 'UTF8' TEMPLATE template0.",
      );
    }
  } finally {
    await db.$disconnect();
  }
}
