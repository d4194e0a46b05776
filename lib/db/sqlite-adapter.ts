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
import type { Statement } from "better-sqlite3";

/** The adapter's transaction keeps its better-sqlite3 connection in `client`. */
interface Connection {
  inTransaction: boolean;
  prepare(sql: string): { run(): unknown };
  pragma(source: string, options: { simple: true }): unknown;
}

/**
 * Prepared statements kept per connection, by SQL text. The app's statements are a few dozen
 * texts; past this many, the one kept longest is dropped for each new one.
 */
const STATEMENTS_KEPT = 512;
/**
 * A statement with more parameters than this is a list of values (`IN (?, ?, …)` of a batch, a
 * many-row insert): one text per length, rarely the same twice, so it is prepared for its one use
 * and not kept, where it would push out the statements that do come again.
 */
const MOST_PARAMETERS_KEPT = 64;

/** How many `?` a statement has (more than its parameters only where a `?` is inside a literal, which the app's statements do not have). */
function parameterCount(sql: string): number {
  let count = 0;
  for (let at = sql.indexOf("?"); at !== -1; at = sql.indexOf("?", at + 1)) count++;
  return count;
}

/**
 * Each statement is prepared once per connection and reused. The adapter prepares every query anew
 * (`client.prepare(sql).bind(args)`), which was ~0.4 ms of a 4 KiB upload's ~4 ms of main-thread
 * CPU, nearly as much as running the statements (a `--cpu-prof` of the app under `bench/puts.ts`;
 * README, "Uploads"). A better-sqlite3 statement binds its parameters for good with `bind`, so
 * `bind` here gives a view of the kept statement that passes the arguments to each call instead,
 * and `run` without arguments (BEGIN IMMEDIATE, SAVEPOINT, pragmas) runs the kept statement. Any
 * other use (a mode such as `pluck()`, which would stay set on a kept statement) gets a statement
 * of its own, as before. Statements run to completion synchronously (`run`, `all`), so a kept one
 * is never busy when it is used again; SQLite recompiles a kept statement if the schema changes.
 */
function keepStatements(connection: Connection): void {
  const prepare = (connection.prepare as unknown as (sql: string) => Statement).bind(connection);
  const kept = new Map<string, Statement>();
  const keptStatement = (sql: string): Statement => {
    let statement = kept.get(sql);
    if (statement === undefined) {
      statement = prepare(sql);
      if (parameterCount(sql) > MOST_PARAMETERS_KEPT) return statement;
      if (kept.size >= STATEMENTS_KEPT) kept.delete(kept.keys().next().value!);
      kept.set(sql, statement);
    }
    return statement;
  };
  const bound = (statement: Statement, args: unknown[]) => ({
    reader: statement.reader,
    columns: () => statement.columns(),
    run: () => statement.run(args),
    raw: () => ({ all: () => statement.raw(true).all(args) }),
  });
  (connection as unknown as { prepare: (sql: string) => unknown }).prepare = (sql: string) => {
    let own: Statement | undefined;
    return new Proxy(
      {},
      {
        get(_target, property) {
          if (property === "bind") return (args: unknown[]) => bound(keptStatement(sql), args);
          if (property === "run") return () => keptStatement(sql).run();
          own ??= prepare(sql);
          const value: unknown = Reflect.get(own, property, own);
          return typeof value === "function" ? value.bind(own) : value;
        },
      },
    );
  };
}

/**
 * Interactive transactions take the write lock when they begin (BEGIN IMMEDIATE instead of the
 * adapter's deferred BEGIN). With several processes on one database file (several instances), a
 * deferred transaction that has read and then writes fails at once with SQLITE_BUSY when another
 * process holds the write lock (SQLite cannot wait there without risking a deadlock); an immediate
 * one waits for the lock (the busy timeout) before it reads anything. In one process nothing
 * changes: the adapter runs one transaction at a time anyway.
 *
 * The BEGIN runs here, after the adapter has taken its transaction lock and returned, not inside
 * the adapter's startTransaction: when BEGIN IMMEDIATE fails there (SQLITE_BUSY past the busy
 * timeout, another process holding the write lock), the adapter throws without releasing its lock,
 * and every later transaction of this process waits forever. Here a failed BEGIN releases it.
 */
function beginImmediately(adapter: SqlDriverAdapter): void {
  const connection = (adapter as unknown as { client: Connection }).client;
  const prepare = connection.prepare.bind(connection);
  const deferred = { run: () => undefined };
  connection.prepare = (sql: string) => (sql === "BEGIN" ? deferred : prepare(sql));
  const startTransaction = adapter.startTransaction.bind(adapter);
  // The adapter's own conversion of a driver error (to the DriverAdapterError Prisma maps).
  const driverError = (adapter as unknown as { onError(error: unknown): never }).onError.bind(adapter);
  adapter.startTransaction = async (isolationLevel) => {
    const transaction = await startTransaction(isolationLevel);
    try {
      prepare("BEGIN IMMEDIATE").run();
    } catch (error) {
      await transaction.rollback();
      driverError(error);
    }
    return transaction;
  };
}

/**
 * How SQLite keeps a commit atomic. "wal" (the app's): a commit appends its pages to the
 * write-ahead log (app.db-wal) and syncs that one file, where the rollback journal ("delete",
 * SQLite's default) writes, syncs and deletes a journal and syncs the database file as well: on
 * this kind of VM 21-30 ms per commit against about 7.5 ms (README, "Imports"). Readers no longer
 * block a writer's COMMIT, nor a writer readers. "delete" stays for what needs its locking (a
 * test of SQLITE_BUSY at COMMIT, which WAL no longer produces).
 */
export type SqliteJournalMode = "wal" | "delete";

/**
 * WAL pages past which a commit copies the log back into the database (SQLite's default, about 4
 * MiB of 4 KiB pages). A checkpoint cannot pass a reader's snapshot, but the app's reads are
 * single synchronous statements, so one always completes soon; the log is then reused from its
 * start, and cut back to WAL_FILE_LIMIT_BYTES so one burst does not leave a large file behind.
 */
const WAL_AUTOCHECKPOINT_PAGES = 1000;
const WAL_FILE_LIMIT_BYTES = 64 * 1024 * 1024;

export interface SqliteAdapterOptions {
  url: string;
  /** How long a statement waits for a lock before SQLITE_BUSY (better-sqlite3's `timeout`, default 5 s). */
  busyTimeoutMs?: number;
  /** Default "wal". The mode is a property of the database file: every connection to it should ask for the same. */
  journalMode?: SqliteJournalMode;
  /**
   * Tables whose rows a power loss may take back (in WAL mode): a write to one of them alone in its
   * commit does not wait for the disk. See unsyncedWrites.
   */
  unsyncedTables?: readonly string[];
}

/**
 * `synchronous=FULL` in both modes: a commit has reached the disk when it returns, so a power loss
 * loses no acknowledged write (as durable as the rollback journal was). WAL's cheaper NORMAL
 * would sync only at checkpoints and could lose the last commits: objects a client was told are
 * stored, write-journal entries that name blobs (lib/objects/write-journal.ts).
 */
function setJournalMode(connection: Connection, journalMode: SqliteJournalMode): void {
  const mode = connection.pragma(`journal_mode = ${journalMode.toUpperCase()}`, { simple: true });
  // SQLite answers with the mode it is in (an in-memory database, for one, cannot use WAL).
  if (String(mode).toLowerCase() !== journalMode) {
    throw new Error(`SQLite refused journal_mode=${journalMode} (the database is in ${String(mode)} mode)`);
  }
  connection.pragma("synchronous = FULL", { simple: true });
  if (journalMode === "wal") {
    connection.pragma(`wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_PAGES}`, { simple: true });
    connection.pragma(`journal_size_limit = ${WAL_FILE_LIMIT_BYTES}`, { simple: true });
  }
}

export function sqliteAdapter({ url, busyTimeoutMs, journalMode = "wal", unsyncedTables = [] }: SqliteAdapterOptions): SqlDriverAdapterFactory {
  const unsynced = journalMode === "wal" ? writesTo(unsyncedTables) : null;
  const inner = new PrismaBetterSQLite3({ url, ...(busyTimeoutMs === undefined ? {} : { timeout: busyTimeoutMs }) });
  return {
    provider: inner.provider,
    adapterName: inner.adapterName,
    connect: async () => {
      const adapter = await inner.connect();
      const connection = (adapter as unknown as { client: Connection }).client;
      setJournalMode(connection, journalMode);
      // Innermost: every statement the wrappers below prepare is kept too.
      keepStatements(connection);
      // Before beginImmediately, which keeps its own copy of `prepare`.
      const runUnsynced = unsynced ? unsyncedRunner(connection) : null;
      beginImmediately(adapter);
      return groupWrites(keepQueriesOutOfTransactions(recoverFailedCommits(adapter)), connection, unsynced && runUnsynced ? { statements: unsynced, run: runUnsynced } : null);
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

const WRITE_STATEMENT = /^\s*(INSERT|UPDATE|DELETE|REPLACE)\b/i;

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Statements that write to one of `tables` (as Prisma writes them: `"main"."Table"`, quoted or not); null for none. */
export function writesTo(tables: readonly string[]): RegExp | null {
  if (tables.length === 0) return null;
  const names = tables.map(escapeRegExp).join("|");
  return new RegExp(`^\\s*(?:INSERT\\s+(?:OR\\s+\\w+\\s+)?INTO|REPLACE\\s+INTO|UPDATE(?:\\s+OR\\s+\\w+)?|DELETE\\s+FROM)\\s+(?:[\`"]?main[\`"]?\\.)?[\`"]?(?:${names})[\`"]?(?:[\\s(]|$)`, "i");
}

/** Runs one statement alone in its commit without waiting for the disk (see unsyncedRunner). */
type RunUnsynced = <T>(run: () => Promise<T>) => Promise<T>;

/**
 * One statement alone in its commit, run with `synchronous=NORMAL`: in WAL mode its commit is
 * appended to the log without an fsync, and reaches the disk with the next commit that syncs (the
 * log is written in order, so a power loss takes back only the last unsynced commits, never one
 * before a synced commit). Other connections see it at once, as any commit; a crash of the process
 * alone loses nothing (the bytes are in the kernel's cache).
 * SQLite refuses the pragma inside a transaction, and the statement must run before the setting
 * is restored: `run` is called with `synchronous=NORMAL` only when no transaction is open, and the
 * setting is back to FULL when `run` returns. The adapter performs a statement synchronously when
 * no transaction holds the connection (keepQueriesOutOfTransactions, BetterSQLite3Queryable's
 * performIO); one that has to wait for a transaction runs later, synced like any other.
 * Should FULL fail to come back (the pragma reads the schema: SQLITE_BUSY, IOERR), the statement's
 * own outcome stands (it committed), and the next statement prepared on the connection restores
 * FULL first, or fails: every statement is prepared through `connection.prepare`, BEGIN IMMEDIATE
 * included (installed before beginImmediately takes its copy), so none commits at NORMAL unasked.
 */
function unsyncedRunner(connection: Connection): RunUnsynced {
  let restorePending = false;
  const restore = () => {
    connection.pragma("synchronous = FULL", { simple: true });
    restorePending = false;
  };
  const prepare = connection.prepare.bind(connection);
  connection.prepare = (sql: string) => {
    if (restorePending) restore();
    return prepare(sql);
  };
  return (run) => {
    if (connection.inTransaction || restorePending) return run();
    connection.pragma("synchronous = NORMAL", { simple: true });
    try {
      return run();
    } finally {
      try {
        restore();
      } catch {
        restorePending = true;
      }
    }
  };
}

const statement = (sql: string): SqlQuery => ({ sql, args: [], argTypes: [] });

interface QueuedWrite {
  query: SqlQuery;
  run: "queryRaw" | "executeRaw";
  resolve: (value: never) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit. Each write made outside a transaction (a lease taken, a write-journal entry, a
 * row deleted) was its own commit, and a commit syncs the disk while the event loop waits
 * (better-sqlite3 is synchronous): with imports and misses under way, most of the process's time
 * went there (README, "Imports"). Writes that arrive in the same turn of the event loop now run in
 * one transaction, each inside its own savepoint, and share one COMMIT; each caller hears of its
 * own statement only after that COMMIT, so what it is told is as durable as before. A statement
 * that fails (a unique key taken) is rolled back to its savepoint and fails alone. When SQLite
 * ends the whole transaction itself (SQLITE_FULL, IOERR), or the COMMIT fails, nothing of the
 * group was stored and every write of it fails with that error. A write alone in its turn runs as
 * before, without a transaction.
 */
function groupWrites(adapter: SqlDriverAdapter, connection: Connection, unsynced: { statements: RegExp; run: RunUnsynced } | null): SqlDriverAdapter {
  const runAlone = { queryRaw: adapter.queryRaw.bind(adapter), executeRaw: adapter.executeRaw.bind(adapter) };
  let queued: QueuedWrite[] = [];

  const flush = async (): Promise<void> => {
    const group = queued;
    queued = [];
    if (group.length === 1) {
      const [write] = group as [QueuedWrite];
      const run = (): Promise<unknown> => runAlone[write.run](write.query);
      let outcome: Promise<unknown>;
      try {
        outcome = unsynced?.statements.test(write.query.sql) ? unsynced.run(run) : run();
      } catch (error) {
        outcome = Promise.reject(error);
      }
      return outcome.then(write.resolve as (value: unknown) => void, write.reject);
    }
    let transaction: Transaction;
    try {
      transaction = await adapter.startTransaction();
    } catch (error) {
      for (const write of group) write.reject(error);
      return;
    }
    const outcomes: ({ value: unknown } | { error: unknown })[] = [];
    let lost: unknown = null;
    let committing = false;
    try {
      for (const write of group) {
        await transaction.executeRaw(statement("SAVEPOINT grouped_write"));
        try {
          outcomes.push({ value: await transaction[write.run](write.query) });
          await transaction.executeRaw(statement("RELEASE grouped_write"));
        } catch (error) {
          if (!connection.inTransaction) throw error;
          outcomes.push({ error });
          await transaction.executeRaw(statement("ROLLBACK TO grouped_write"));
          await transaction.executeRaw(statement("RELEASE grouped_write"));
        }
      }
      committing = true;
      await transaction.executeRaw(statement("COMMIT"));
      await transaction.commit();
    } catch (error) {
      lost = error;
      // A failed COMMIT was rolled back and the lock released already (recoverFailedCommits).
      if (!committing) {
        try {
          if (connection.inTransaction) connection.prepare("ROLLBACK").run();
        } finally {
          await transaction.rollback();
        }
      }
    }
    group.forEach((write, index) => {
      const outcome = outcomes[index];
      if (outcome && "error" in outcome) write.reject(outcome.error);
      else if (lost !== null) write.reject(lost);
      else write.resolve(outcome!.value as never);
    });
  };

  const enqueue =
    <T>(run: QueuedWrite["run"], alone: (query: SqlQuery) => Promise<T>) =>
    (query: SqlQuery): Promise<T> => {
      if (!WRITE_STATEMENT.test(query.sql)) return alone(query);
      return new Promise<T>((resolve, reject) => {
        if (queued.length === 0) setImmediate(() => void flush());
        queued.push({ query, run, resolve: resolve as (value: never) => void, reject });
      });
    };
  adapter.queryRaw = enqueue("queryRaw", runAlone.queryRaw);
  adapter.executeRaw = enqueue("executeRaw", runAlone.executeRaw);
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
