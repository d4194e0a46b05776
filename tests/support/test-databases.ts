/**
 * The integration suite's databases. The `integration` project runs on SQLite files: a template
 * migrated once per run, copied for each test file. The `integration-postgres` project runs on the
 * PostgreSQL server in TEST_POSTGRES_URL (scripts/with-postgres-and-ceph.sh starts one): a template
 * database migrated once per run, and for each test file `CREATE DATABASE … TEMPLATE` (a file-level
 * copy inside the server: 0.5 s measured on the loaded 2-core machine), dropped when the file ends.
 */
import { randomBytes } from "node:crypto";
import pg, { type Client } from "pg";

/** TEST_DATABASE in a project's env: which database its test files get. */
export type TestDatabaseKind = "sqlite" | "postgresql";

export function testDatabaseKind(): TestDatabaseKind {
  return process.env.TEST_DATABASE === "postgresql" ? "postgresql" : "sqlite";
}

/** The server's URL (its own database, which holds nothing of ours) to create and drop databases from. */
export function postgresServerUrl(): string {
  const url = process.env.TEST_POSTGRES_URL;
  if (!url) throw new Error("TEST_POSTGRES_URL is not set: run the PostgreSQL project through scripts/with-postgres-and-ceph.sh");
  return url;
}

/** The URL of another database on the same server (same user and password). */
export function databaseUrl(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

async function onServer<T>(serverUrl: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A name no other run or test file uses (lowercase, so it needs no quoting rules beyond ours). */
export function uniqueDatabaseName(prefix: string): string {
  return `${prefix}_${process.pid}_${randomBytes(4).toString("hex")}`;
}

/** Creates a database (a copy of `template`, or in another `encoding`: from template0, C locale); returns its URL. */
export async function createDatabase(serverUrl: string, name: string, { template, encoding }: { template?: string; encoding?: "LATIN1" } = {}): Promise<string> {
  const options = encoding ? ` TEMPLATE template0 ENCODING '${encoding}' LC_COLLATE 'C' LC_CTYPE 'C'` : template ? ` TEMPLATE "${template}"` : "";
  await onServer(serverUrl, (client) => client.query(`CREATE DATABASE "${name}"${options}`));
  return databaseUrl(serverUrl, name);
}

/** Drops it even while connections to it remain (a test file's child server that was killed). */
export async function dropDatabase(serverUrl: string, name: string): Promise<void> {
  await onServer(serverUrl, (client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
}
