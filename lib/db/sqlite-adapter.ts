/**
 * Prisma's better-sqlite3 driver adapter, made to survive a COMMIT that fails.
 *
 * With `usePhantomQuery: false` Prisma sends COMMIT as a query and only then calls the adapter's
 * commit(), which releases the adapter's transaction lock. When that COMMIT query fails (a full
 * disk, SQLITE_BUSY), Prisma skips commit(): the connection stays inside the transaction and the
 * lock is never released, so every later transaction waits forever (prisma/orm#29933, open in the
 * version we use). One full disk during a background write would wedge the whole service. Here a
 * failed COMMIT rolls the connection back (when SQLite has not already) and releases the lock,
 * then the error goes on to the caller as before.
 *
 * The same lock leaks when Prisma's ROLLBACK fails, and it does whenever SQLite has already ended
 * the transaction itself: a statement that fails with SQLITE_FULL (or IOERR, NOMEM) inside a
 * transaction rolls the whole transaction back, so the ROLLBACK Prisma sends after the callback
 * throws answers "no transaction is active", commit()/rollback() is never called, and every later
 * transaction (and every write Prisma wraps in one, such as updateMany) waits forever. A ROLLBACK
 * that finds no transaction has nothing left to do: it counts as done and the lock is released.
 */
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import type { SqlDriverAdapter, SqlDriverAdapterFactory, SqlQuery, Transaction } from "@prisma/driver-adapter-utils";

/** The adapter's transaction keeps its better-sqlite3 connection in `client`. */
interface Connection {
  inTransaction: boolean;
  prepare(sql: string): { run(): unknown };
}

/**
 * Interactive transactions take the write lock when they begin (BEGIN IMMEDIATE instead of the
 * adapter's deferred BEGIN). With several processes on one database file (several instances), a
 * deferred transaction that has read and then writes fails at once with SQLITE_BUSY when another
 * process holds the write lock (SQLite cannot wait there without risking a deadlock); an immediate
 * one waits for the lock (the busy timeout) before it reads anything. In one process nothing
 * changes: the adapter runs one transaction at a time anyway.
 */
function beginImmediately(adapter: SqlDriverAdapter): void {
  const connection = (adapter as unknown as { client: Connection }).client;
  const prepare = connection.prepare.bind(connection);
  connection.prepare = (sql: string) => prepare(sql === "BEGIN" ? "BEGIN IMMEDIATE" : sql);
}

export interface SqliteAdapterOptions {
  url: string;
  /** How long a statement waits for a lock before SQLITE_BUSY (better-sqlite3's `timeout`, default 5 s). */
  busyTimeoutMs?: number;
}

export function sqliteAdapter({ url, busyTimeoutMs }: SqliteAdapterOptions): SqlDriverAdapterFactory {
  const inner = new PrismaBetterSQLite3({ url, ...(busyTimeoutMs === undefined ? {} : { timeout: busyTimeoutMs }) });
  return {
    provider: inner.provider,
    adapterName: inner.adapterName,
    connect: async () => {
      const adapter = await inner.connect();
      beginImmediately(adapter);
      return keepQueriesOutOfTransactions(recoverFailedCommits(adapter));
    },
  };
}

/**
 * A query made outside a transaction waits while one is open. The adapter has one connection, and
 * only transactions take its lock: a query from elsewhere in the process (a request, a timer) that
 * arrived while an interactive transaction awaited something ran on the same connection, inside that
 * transaction, and went with it when it rolled back, after its caller had been told it succeeded
 * (an object deleted, an outcome recorded). Now it runs after the transaction ends.
 */
function keepQueriesOutOfTransactions(adapter: SqlDriverAdapter): SqlDriverAdapter {
  /** Settles when the open transaction ends; null when none is open. */
  let open: Promise<void> | null = null;
  const startTransaction = adapter.startTransaction.bind(adapter);
  adapter.startTransaction = async (isolationLevel) => {
    const transaction = await startTransaction(isolationLevel);
    let end!: () => void;
    const ended = new Promise<void>((resolve) => (end = resolve));
    open = ended;
    const finish = () => {
      if (open === ended) open = null;
      end();
    };
    for (const method of ["commit", "rollback"] as const) {
      const original = transaction[method].bind(transaction);
      transaction[method] = async () => {
        try {
          return await original();
        } finally {
          finish();
        }
      };
    }
    return transaction;
  };
  const queryRaw = adapter.queryRaw.bind(adapter);
  const executeRaw = adapter.executeRaw.bind(adapter);
  // Another transaction may begin before this one resumes: look again each time.
  adapter.queryRaw = async (query) => {
    while (open) await open;
    return queryRaw(query);
  };
  adapter.executeRaw = async (query) => {
    while (open) await open;
    return executeRaw(query);
  };
  return adapter;
}

function recoverFailedCommits(adapter: SqlDriverAdapter): SqlDriverAdapter {
  const startTransaction = adapter.startTransaction.bind(adapter);
  adapter.startTransaction = async (isolationLevel) => {
    const transaction: Transaction = await startTransaction(isolationLevel);
    const executeRaw = transaction.executeRaw.bind(transaction);
    transaction.executeRaw = async (query: SqlQuery) => {
      const statement = query.sql.trim().toUpperCase();
      try {
        return await executeRaw(query);
      } catch (error) {
        const connection = (transaction as unknown as { client: Connection }).client;
        if (statement === "ROLLBACK" && !connection.inTransaction) return 0;
        if (statement === "COMMIT" || statement === "ROLLBACK") {
          try {
            if (connection.inTransaction) connection.prepare("ROLLBACK").run();
          } finally {
            // Releases the adapter's lock (idempotent), which Prisma's skipped commit()/rollback() would have done.
            await transaction.rollback();
          }
        }
        throw error;
      }
    };
    return transaction;
  };
  return adapter;
}
