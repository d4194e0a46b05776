/**
 * Applies the configured provider's migrations (prisma/migrations for SQLite, prisma/postgresql/
 * migrations for PostgreSQL: prisma.config.ts picks them from DATABASE_URL) with Prisma's own
 * `migrate deploy` (offline: JS engine + driver adapter). Runs before the server listens. Several
 * instances starting at once on one PostgreSQL database are safe: `migrate deploy` takes an advisory
 * lock, so one applies and the others then find nothing pending.
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, readdir } from "node:fs/promises";
import Database from "better-sqlite3";
import path from "node:path";
import { createRequire } from "node:module";
import { promisify } from "node:util";
import { env, type DatabaseConfig } from "@/lib/env";
import { createPrismaClient } from "./create-client";

const run = promisify(execFile);

export async function applyMigrations(projectDir: string = process.cwd()): Promise<void> {
  const { database, dataDir } = env();
  await mkdir(dataDir, { recursive: true });
  if (database.provider === "sqlite") {
    await mkdir(path.dirname(database.file), { recursive: true });
    if (await sqliteUpToDate(database.file, path.join(projectDir, "prisma", "migrations"))) return;
  }
  const prismaCli = createRequire(path.join(projectDir, "package.json")).resolve("prisma/build/index.js");
  try {
    await run(process.execPath, [prismaCli, "migrate", "deploy"], {
      cwd: projectDir,
      env: { ...process.env, DATABASE_URL: database.url },
    });
  } catch (error) {
    const output = error as { stdout?: string; stderr?: string };
    // Prisma reports SQLITE_BUSY as an unknown "SocketTimeout" variant.
    const busy = database.provider === "sqlite" && /SocketTimeout|SQLITE_BUSY|database is locked/.test(`${output.stdout}${output.stderr}`);
    const hint = busy ? "Another process has the SQLite database open (a running instance, npm run fsck): stop it while migrations are applied.\n" : "";
    throw new Error(`Database migration failed:\n${hint}${output.stdout ?? ""}${output.stderr ?? ""}`, { cause: error });
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

/**
 * Whether every migration in `directory` is applied to the SQLite file already. `migrate deploy`
 * is then skipped: Prisma's schema engine opens SQLite with locking_mode=EXCLUSIVE, which in WAL
 * mode (lib/db/sqlite-adapter.ts) cannot even read while another connection has the file open
 * (SQLITE_BUSY), so it would fail whenever another instance runs, or `npm run fsck` runs beside
 * the app. A pending migration still needs the file to itself: as before, it is applied at start.
 */
async function sqliteUpToDate(file: string, directory: string): Promise<boolean> {
  if (!existsSync(file)) return false;
  const migrations = (await readdir(directory, { withFileTypes: true })).filter((entry) => entry.isDirectory()).map((entry) => entry.name);
  const sqlite = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const table = sqlite.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_prisma_migrations'").get();
    if (!table) return false;
    const rows = sqlite.prepare("SELECT migration_name AS name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL").all() as { name: string }[];
    const applied = new Set(rows.map((row) => row.name));
    return migrations.every((name) => applied.has(name));
  } finally {
    sqlite.close();
  }
}
