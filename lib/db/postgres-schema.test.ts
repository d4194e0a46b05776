/**
 * PostgreSQL's schema and migrations are derived from SQLite's (lib/db/postgres-schema.ts): the
 * derivation itself, and that the committed copy is not stale (run `npm run db:postgres` after a
 * change to prisma/schema.prisma and its SQLite migration).
 */
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { postgresMigrationsBehind, postgresSchemaFrom, withByteOrderCollation } from "./postgres-schema";

const migrations = (dir: string) => readdirSync(dir).filter((name) => /^\d{14}_/.test(name));

describe("PostgreSQL's schema", () => {
  it("is the SQLite schema with the provider, URL and client output changed", () => {
    const schema = postgresSchemaFrom(readFileSync("prisma/schema.prisma", "utf8"));
    expect(schema).toContain('provider = "postgresql"');
    expect(schema).not.toContain('"sqlite"');
    expect(schema).toContain('output       = "../../lib/generated/prisma-postgresql"');
    expect(schema.replace(/^\/\/ GENERATED[^\n]*\n\/\/[^\n]*\n/, "").split("model ").slice(1)).toEqual(readFileSync("prisma/schema.prisma", "utf8").split("model ").slice(1));
  });

  it("is committed up to date, with a migration as new as SQLite's newest", () => {
    expect(readFileSync("prisma/postgresql/schema.prisma", "utf8")).toBe(postgresSchemaFrom(readFileSync("prisma/schema.prisma", "utf8")));
    expect(postgresMigrationsBehind(migrations("prisma/migrations"), migrations("prisma/postgresql/migrations"))).toBe(false);
    expect(readFileSync(path.join("prisma/postgresql/migrations", "migration_lock.toml"), "utf8")).toContain('provider = "postgresql"');
  });

  it("puts every text column in the C collation, created, added or retyped", () => {
    const sql = ['CREATE TABLE "T" (\n    "key" TEXT NOT NULL,\n    "n" INTEGER', 'ALTER TABLE "T" ADD COLUMN "note" TEXT;', 'ALTER TABLE "T" ALTER COLUMN "x" SET DATA TYPE TEXT;'].join("\n");
    expect(withByteOrderCollation(sql)).toBe(
      ['CREATE TABLE "T" (\n    "key" TEXT COLLATE "C" NOT NULL,\n    "n" INTEGER', 'ALTER TABLE "T" ADD COLUMN "note" TEXT COLLATE "C";', 'ALTER TABLE "T" ALTER COLUMN "x" SET DATA TYPE TEXT COLLATE "C";'].join("\n"),
    );
    expect(withByteOrderCollation('"a" TEXT COLLATE "C" NOT NULL')).toBe('"a" TEXT COLLATE "C" NOT NULL');
    const baseline = readdirSync("prisma/postgresql/migrations").filter((name) => /^\d{14}_/.test(name)).map((name) => readFileSync(path.join("prisma/postgresql/migrations", name, "migration.sql"), "utf8")).join("\n");
    expect(baseline.match(/\bTEXT\b(?! COLLATE "C")/g)).toBeNull();
  });

  it("is behind when SQLite has a newer migration, or PostgreSQL has none", () => {
    expect(postgresMigrationsBehind(["20261127140000_a", "20261128000000_b"], ["20261127140000_baseline"])).toBe(true);
    expect(postgresMigrationsBehind(["20261127140000_a"], [])).toBe(true);
    expect(postgresMigrationsBehind(["20261127140000_a", "20261128000000_b"], ["20261127140000_baseline", "20261128000000_b"])).toBe(false);
  });
});
