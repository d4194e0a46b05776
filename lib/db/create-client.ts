/**
 * The Prisma client for the configured database. Two clients are generated from one data model
 * (lib/db/postgres-schema.ts says why): lib/generated/prisma for SQLite, lib/generated/prisma-postgresql
 * for PostgreSQL. Their APIs are the same, model for model and field for field; the app is typed
 * against SQLite's, which offers only what both providers support (no `mode: "insensitive"`, no
 * `skipDuplicates`), so code that typechecks runs on either.
 */
import type { DatabaseConfig } from "@/lib/env";
import { PrismaClient } from "@/lib/generated/prisma/client";
import { PrismaClient as PostgresPrismaClient } from "@/lib/generated/prisma-postgresql/client";
import { databaseAdapter } from "./adapter";

export function createPrismaClient(database: DatabaseConfig): PrismaClient {
  if (database.provider === "sqlite") return new PrismaClient({ adapter: databaseAdapter(database) });
  return new PostgresPrismaClient({ adapter: databaseAdapter(database) }) as unknown as PrismaClient;
}
