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
import type { SqlDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import { databaseAdapter } from "./adapter";
import { directSqlOn, registerDirectSql, sharedConnection } from "./direct-sql";

/**
 * How long the database may keep a request waiting before it is given up and answered 503 with
 * Retry-After (lib/db/database-busy.ts). An interactive transaction may wait `transactionWaitMs`
 * to start and run `transactionTimeoutMs` (Prisma's P2028 past either); Prisma's defaults, 2 s and
 * 5 s, were exceeded on a loaded 2-core machine by transactions that were only queued: SQLite runs
 * one transaction at a time, and under load PostgreSQL's BEGIN waited too. Longer waits turn those
 * into slower answers instead of failures; a transaction here never waits for anything but the
 * database, so the run limit only ends one that is starved of CPU. A statement waits `lockWaitMs`
 * for a lock another connection holds: on SQLite another process's write lock (several instances
 * on one file; SQLITE_BUSY past it; the wait blocks this process's event loop, better-sqlite3 being
 * synchronous, so it stays short), on PostgreSQL any row or table lock (`lock_timeout`; 55P03 past
 * it). Without it a statement blocked on PostgreSQL held its request, and the transaction's
 * connection, for as long as the lock was held.
 */
export interface DatabaseWaits {
  transactionWaitMs: number;
  transactionTimeoutMs: number;
  lockWaitMs: number;
}

export const DATABASE_WAITS: DatabaseWaits = { transactionWaitMs: 10_000, transactionTimeoutMs: 20_000, lockWaitMs: 5_000 };

export function createPrismaClient(database: DatabaseConfig, waits: DatabaseWaits = DATABASE_WAITS): PrismaClient {
  return createClientOn(database.provider, databaseAdapter(database, { lockWaitMs: waits.lockWaitMs }), waits);
}

/**
 * A client on `adapter` (the configured one, or a test's wrapping of it), with its direct statements
 * (lib/db/direct-sql.ts) on the same connection.
 */
export function createClientOn(provider: DatabaseConfig["provider"], adapter: SqlDriverAdapterFactory, waits: DatabaseWaits = DATABASE_WAITS): PrismaClient {
  const shared = sharedConnection(adapter);
  const options = { adapter: shared.factory, transactionOptions: { maxWait: waits.transactionWaitMs, timeout: waits.transactionTimeoutMs } };
  const client = provider === "sqlite" ? new PrismaClient(options) : (new PostgresPrismaClient(options) as unknown as PrismaClient);
  registerDirectSql(client, directSqlOn(provider, shared.connected));
  return client;
}
