/**
 * `npm run db:postgres`: brings PostgreSQL's Prisma schema and migrations (prisma/postgresql/) up to
 * date with SQLite's (prisma/), the source. See lib/db/postgres-schema.ts for why and what differs.
 *
 * To change the data model: edit prisma/schema.prisma, create SQLite's migration as before
 * (`npx prisma migrate dev --name x` on a SQLite DATABASE_URL), then run this. It writes
 * prisma/postgresql/schema.prisma and one migration, named with the timestamp of SQLite's newest,
 * holding the difference between the previous PostgreSQL schema and the new one (Prisma's own
 * `migrate diff`, offline, no server needed), every text column in the "C" collation. Commit both.
 * Data statements in a SQLite migration (UPDATE, INSERT, DELETE) are not derived: the script says
 * so, and they must be written for PostgreSQL in the new migration by hand.
 *
 * `npm run db:postgres -- --check` only reports whether anything is out of date (exit 1).
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { migrationTimestamp, postgresMigrationsBehind, postgresSchemaFrom, withByteOrderCollation } from "../lib/db/postgres-schema";

/** A TCP port nothing listens on now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const sqliteDir = path.join(root, "prisma");
const postgresDir = path.join(root, "prisma/postgresql");
const postgresSchemaFile = path.join(postgresDir, "schema.prisma");
const check = process.argv.includes("--check");

function migrationsIn(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && /^\d{14}_/.test(entry.name))
    .map((entry) => entry.name)
    .sort();
}

const sqliteMigrations = migrationsIn(path.join(sqliteDir, "migrations"));
const postgresMigrations = migrationsIn(path.join(postgresDir, "migrations"));
const schema = postgresSchemaFrom(readFileSync(path.join(sqliteDir, "schema.prisma"), "utf8"));
const previous = existsSync(postgresSchemaFile) ? readFileSync(postgresSchemaFile, "utf8") : null;
const schemaStale = previous !== schema;
const behind = postgresMigrationsBehind(sqliteMigrations, postgresMigrations);

if (check) {
  if (schemaStale || behind) {
    console.error("prisma/postgresql/ is out of date with prisma/: run `npm run db:postgres` and commit the result.");
    process.exit(1);
  }
  console.log("prisma/postgresql/ is up to date.");
  process.exit(0);
}
if (!behind) {
  if (schemaStale) {
    console.error("prisma/schema.prisma changed but has no new SQLite migration: add it first (see the top of this script).");
    process.exit(1);
  }
  console.log("prisma/postgresql/ is up to date.");
  process.exit(0);
}

const newest = sqliteMigrations.at(-1)!;
const newSqlite = sqliteMigrations.filter((name) => postgresMigrations.length === 0 || migrationTimestamp(name) > migrationTimestamp(postgresMigrations.at(-1)!));
const name = postgresMigrations.length === 0 ? `${migrationTimestamp(newest)}_baseline` : newest;

// Prisma's diff of the previous schema and the new one. The CLI loads prisma.config.ts, which must
// find its schema file (prisma/postgresql/schema.prisma, else it falls back to a native engine it
// would download): the new schema is written there first, and the previous one put back if the diff
// fails. Its PostgreSQL adapter connects to a server although the diff of two files reads nothing
// there: DATABASE_URL's when it is a PostgreSQL URL, else a throw-away one (scripts/start-postgres.sh).
const scratch = mkdtempSync(path.join(os.tmpdir(), "db-postgres-"));
let serverUrl = process.env.DATABASE_URL ?? "";
let stopServer = () => {};
if (!/^postgres(ql)?:\/\//.test(serverUrl)) {
  const serverEnv = { ...process.env, PG_DIR: path.join(os.tmpdir(), `db-postgres-server-${process.pid}`), PG_PORT: String(await freePort()) };
  const line = execFileSync("bash", [path.join(root, "scripts/start-postgres.sh")], { env: serverEnv, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
  serverUrl = /DATABASE_URL='([^']+)'/.exec(line)![1]!;
  stopServer = () => execFileSync("bash", [path.join(root, "scripts/stop-postgres.sh")], { env: serverEnv, stdio: "inherit" });
}
mkdirSync(postgresDir, { recursive: true });
writeFileSync(postgresSchemaFile, schema);
let diff: string;
try {
  const from = previous === null ? ["--from-empty"] : (writeFileSync(path.join(scratch, "previous.prisma"), previous), ["--from-schema-datamodel", path.join(scratch, "previous.prisma")]);
  const prismaCli = createRequire(path.join(root, "package.json")).resolve("prisma/build/index.js");
  diff = execFileSync(process.execPath, [prismaCli, "migrate", "diff", ...from, "--to-schema-datamodel", postgresSchemaFile, "--script"], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: serverUrl },
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  });
} catch (error) {
  if (previous === null) rmSync(postgresSchemaFile);
  else writeFileSync(postgresSchemaFile, previous);
  throw error;
} finally {
  stopServer();
  rmSync(scratch, { recursive: true, force: true });
}

const header =
  `-- PostgreSQL's counterpart of ${postgresMigrations.length === 0 ? "every SQLite migration up to and including" : "the SQLite migration(s)"} ` +
  `${postgresMigrations.length === 0 ? newest : newSqlite.join(", ")}:\n` +
  "-- derived from prisma/schema.prisma by `npm run db:postgres` (scripts/db-postgres.ts). Text columns compare bytewise (COLLATE \"C\").\n\n";
mkdirSync(path.join(postgresDir, "migrations", name), { recursive: true });
writeFileSync(path.join(postgresDir, "migrations", name, "migration.sql"), header + withByteOrderCollation(diff));
writeFileSync(path.join(postgresDir, "migrations", "migration_lock.toml"), '# Please do not edit this file manually\n# It should be added in your version-control system (e.g., Git)\nprovider = "postgresql"\n');
console.log(`wrote prisma/postgresql/schema.prisma and prisma/postgresql/migrations/${name}/migration.sql`);

if (postgresMigrations.length > 0) {
  const dataSteps = newSqlite.filter((migration) => /^\s*(UPDATE|INSERT|DELETE)\b/im.test(readFileSync(path.join(sqliteDir, "migrations", migration, "migration.sql"), "utf8")));
  if (dataSteps.length > 0) {
    console.log(`NOTE: ${dataSteps.join(", ")} change data (UPDATE/INSERT/DELETE); write those steps for PostgreSQL into ${name}/migration.sql by hand.`);
  }
}
console.log("Then run `npx prisma generate --schema prisma/postgresql/schema.prisma` (npm install does it) and commit prisma/postgresql/.");
