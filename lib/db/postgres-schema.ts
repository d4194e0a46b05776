/**
 * PostgreSQL's Prisma schema and migrations are derived from SQLite's (prisma/schema.prisma, the one
 * schema anyone edits); `npm run db:postgres` (scripts/db-postgres.ts) writes them. Why derived and
 * not one schema with two generators: Prisma 6 has one provider per schema, and its client is
 * compiled for that provider (the query compiler and the adapter check it), so two providers need two
 * schema files and two generated clients. Writing the second by hand would let the two drift; here
 * it is a function of the first, and a unit test fails when the committed copy is stale.
 *
 * What differs on PostgreSQL, and why:
 * - Every text column is `COLLATE "C"`: SQLite compares text bytewise (BINARY), which is UTF-8 byte
 *   order, the order BOS and S3 list keys in. PostgreSQL's default collation follows the locale
 *   (`a` < `B`, punctuation ignored…), which would change listings, markers, `key > marker` paging
 *   and unique names. With "C" every comparison, ORDER BY and unique index behaves as on SQLite.
 *   (Prisma's schema language cannot say this; the migration SQL does.)
 * - JSON stays `TEXT` on both: the app writes and reads its JSON columns whole (validated when
 *   parsed) and never queries inside them, so `jsonb` would buy no index or operator we use, while it
 *   would reorder object keys (audit before/after snapshots, header order) and give the two clients
 *   different TypeScript types for those fields.
 */

/** The generated client for PostgreSQL (its import path in lib/db/create-client.ts). */
export const POSTGRES_CLIENT_OUTPUT = "../../lib/generated/prisma-postgresql";

export const POSTGRES_SCHEMA_HEADER =
  "// GENERATED from prisma/schema.prisma by `npm run db:postgres` (lib/db/postgres-schema.ts). Do not edit:\n" +
  "// change prisma/schema.prisma, add its SQLite migration, then run `npm run db:postgres`.\n";

function replaceOnce(text: string, pattern: RegExp, replacement: string, what: string): string {
  if (!pattern.test(text)) throw new Error(`prisma/schema.prisma: cannot find ${what} (${pattern})`);
  return text.replace(pattern, replacement);
}

/** PostgreSQL's schema from SQLite's: the datasource's provider and the client's output differ. */
export function postgresSchemaFrom(sqliteSchema: string): string {
  let schema = replaceOnce(sqliteSchema, /(datasource db \{[^}]*provider\s*=\s*)"sqlite"/, '$1"postgresql"', "the sqlite datasource");
  schema = replaceOnce(schema, /(datasource db \{[^}]*url\s*=\s*)"file:[^"]*"/, '$1"postgresql://placeholder-see-prisma-config/db"', "the datasource url");
  schema = replaceOnce(schema, /(generator client \{[^}]*output\s*=\s*)"[^"]*"/, `$1"${POSTGRES_CLIENT_OUTPUT}"`, "the client's output");
  return POSTGRES_SCHEMA_HEADER + schema;
}

/**
 * Migration SQL from `prisma migrate diff` for PostgreSQL, with every text column (created, added
 * or retyped) in the "C" collation. `TEXT[]` is left alone (no such column; arrays would need it
 * per element).
 */
export function withByteOrderCollation(sql: string): string {
  return sql.replace(/(^|[\s(,])TEXT(?!\[)(?! COLLATE)\b/g, '$1TEXT COLLATE "C"');
}

/** The 14-digit timestamp a Prisma migration folder's name starts with. */
export function migrationTimestamp(name: string): string {
  const match = /^(\d{14})_/.exec(name);
  if (!match) throw new Error(`migration folder ${name} does not start with a 14-digit timestamp`);
  return match[1]!;
}

/**
 * Whether PostgreSQL's migrations are behind SQLite's: its newest migration must carry the
 * timestamp of SQLite's newest (the derived migration takes it; see scripts/db-postgres.ts).
 */
export function postgresMigrationsBehind(sqliteMigrations: string[], postgresMigrations: string[]): boolean {
  const newest = (names: string[]) => [...names].sort().at(-1);
  const sqlite = newest(sqliteMigrations);
  const postgres = newest(postgresMigrations);
  if (sqlite === undefined) return false;
  return postgres === undefined || migrationTimestamp(postgres) < migrationTimestamp(sqlite);
}
