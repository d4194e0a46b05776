/**
 * The driver adapter for the configured database: the one place that maps DATABASE_URL's provider to
 * a Prisma driver adapter. The app's client (lib/db/create-client.ts) and Prisma's CLI
 * (prisma.config.ts: `migrate deploy` at start) both take it from here. Relative imports only: the
 * Prisma CLI loads this file without the app's `@/` alias.
 */
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import type { SqlDriverAdapter, SqlDriverAdapterFactory, SqlMigrationAwareDriverAdapterFactory, SqlQuery, Transaction } from "@prisma/driver-adapter-utils";
import type { DatabaseConfig } from "../env";
import { sqliteAdapter } from "./sqlite-adapter";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";

/**
 * Connections the app keeps open to PostgreSQL at most (node-postgres' pool). Interactive
 * transactions hold one each while they run; the rest of the app shares the others.
 */
export const POSTGRES_POOL_SIZE = 20;

/**
 * `lockWaitMs`: how long a statement waits for a lock another connection holds before it fails as
 * busy (lib/db/database-busy.ts): SQLite's busy timeout (the adapter's default 5 s), PostgreSQL's
 * `lock_timeout` (none unless given: the migration CLI waits as long as it takes).
 */
/**
 * Tables whose last writes a power loss may take back. FetchLease rows (lib/fleet/fetch-leases.ts)
 * describe pulls in progress, which a power loss ends anyway: a lease taken back is a pull that is
 * no longer running. Taking one is on a mirror miss's way to its first byte, and its commit's
 * fsync was 4–8 ms of it (README, "Object path").
 */
const SQLITE_UNSYNCED_TABLES = ["FetchLease"];

export function databaseAdapter(database: DatabaseConfig, { lockWaitMs }: { lockWaitMs?: number } = {}): SqlDriverAdapterFactory {
  if (database.provider === "sqlite") return sqliteAdapter({ url: database.url, busyTimeoutMs: lockWaitMs, unsyncedTables: SQLITE_UNSYNCED_TABLES });
  const inner = new PrismaPg({ connectionString: database.url, max: POSTGRES_POOL_SIZE, ...(lockWaitMs === undefined ? {} : { lock_timeout: lockWaitMs }) });
  return { provider: inner.provider, adapterName: inner.adapterName, connect: async () => releaseAfterFailedCommit(await inner.connect()) };
}

/**
 * @prisma/adapter-pg gives each interactive transaction a pooled connection and returns it to the
 * pool in commit()/rollback(). Prisma sends COMMIT as a query and calls commit() only when it
 * succeeded; when COMMIT fails (a SERIALIZABLE transaction's serialization failure is often reported
 * there, lib/db/transactions.ts) neither is called and the connection is never returned: the pool
 * shrinks by one per failure until every query waits, and closing the app waits forever (the same
 * defect as prisma/orm#29933 on SQLite, see sqlite-adapter.ts). PostgreSQL has ended the transaction
 * by then; here the connection goes back to the pool, once, and the error goes on to the caller.
 */
function releaseAfterFailedCommit(adapter: SqlDriverAdapter): SqlDriverAdapter {
  const startTransaction = adapter.startTransaction.bind(adapter);
  adapter.startTransaction = async (isolationLevel) => {
    const transaction: Transaction = await startTransaction(isolationLevel);
    let released = false;
    const once = (release: () => Promise<void>) => async () => {
      if (released) return;
      released = true;
      await release();
    };
    const rollback = once(transaction.rollback.bind(transaction));
    transaction.commit = once(transaction.commit.bind(transaction));
    transaction.rollback = rollback;
    const executeRaw = transaction.executeRaw.bind(transaction);
    transaction.executeRaw = async (query: SqlQuery) => {
      try {
        return await executeRaw(query);
      } catch (error) {
        if (query.sql.trim().toUpperCase() === "COMMIT") await rollback();
        throw error;
      }
    };
    return transaction;
  };
  return adapter;
}

/**
 * The adapter Prisma's CLI (`migrate deploy`, `migrate diff`) gets. On PostgreSQL the schema engine
 * reads the catalog, whose identifier columns have the type `name`, which @prisma/adapter-pg 6.19
 * refuses ("Column type 'name' could not be deserialized", prisma/orm#27403, open): every migrate
 * command fails. Its connections here report `name` columns as `text` (what they are: identifiers
 * of at most 63 bytes); the app's own queries never return `name` columns and keep the plain adapter.
 */
export function migrationAdapter(database: DatabaseConfig): SqlMigrationAwareDriverAdapterFactory {
  if (database.provider === "sqlite") return new PrismaBetterSQLite3({ url: database.url });
  return new PrismaPg(new pg.Pool({ connectionString: database.url, max: 2, Client: NameAsTextClient }));
}

const NAME_OID = 19;
const TEXT_OID = 25;

type QueryResultLike = { fields?: { dataTypeID: number }[] } | undefined;

function nameAsText<T extends QueryResultLike>(result: T): T {
  for (const field of result?.fields ?? []) if (field.dataTypeID === NAME_OID) field.dataTypeID = TEXT_OID;
  return result;
}

/** node-postgres' client with `name` result columns described as `text` (see migrationAdapter). */
class NameAsTextClient extends pg.Client {
  // node-postgres' query() has many overloads (promise or callback); both forms are covered.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  override query(...args: any[]): any {
    const last = args.at(-1);
    if (typeof last === "function") {
      args[args.length - 1] = (error: Error | undefined, result: QueryResultLike) => last(error, nameAsText(result));
      return (super.query as (...a: unknown[]) => unknown)(...args);
    }
    const outcome = (super.query as (...a: unknown[]) => unknown)(...args);
    return outcome instanceof Promise ? outcome.then(nameAsText) : outcome;
  }
}

/** Where the provider's Prisma schema and migrations live (prisma/ is SQLite's; see scripts/db/postgres-schema.ts). */
export function prismaDirectory(database: Pick<DatabaseConfig, "provider">): string {
  return database.provider === "sqlite" ? "prisma" : "prisma/postgresql";
}
