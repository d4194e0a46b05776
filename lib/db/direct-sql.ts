/**
 * Statements run straight on the Prisma client's own driver adapter, past Prisma's query compiler,
 * for the few queries on a mirror miss's way to its first byte (the object's row, the fetch lease)
 * and the write journal's entry that every upload and commit makes (lib/objects/write-journal.ts).
 *
 * Why: Prisma 6.19's client compiles every query anew in its WebAssembly query compiler (plan
 * caching came in Prisma 7.4, whose CLI cannot run on this network: README, "Offline toolchain
 * notes"). A `findFirst` of one row costs ~1 ms of the event loop, the same statement through the
 * adapter ~0.1 ms (`npx tsx bench/micro/prisma-query.ts`). A miss made three such queries before its
 * first byte.
 *
 * The statements go through the very adapter object Prisma uses (one connection on SQLite, the pool
 * on PostgreSQL), so they keep everything lib/db/adapter.ts and sqlite-adapter.ts put there: a
 * query waits while an interactive transaction holds SQLite's connection, writes are grouped into
 * one commit, a lease write commits without an fsync. Errors are the adapter's (a
 * DriverAdapterError, or the driver's own error for codes the adapter does not map, such as
 * SQLITE_FULL), which lib/db/database-busy.ts and the full-disk mapping read through their causes,
 * as they read Prisma's. Statements are written once, with `?` placeholders and double-quoted
 * names, which both providers read (PostgreSQL's `$n` is made here). Rows come back as the
 * adapters give them (integers as strings on SQLite, dates as ISO text), and the `read*` helpers
 * below decode them alike for both.
 */
import type { ArgType, SqlDriverAdapter, SqlDriverAdapterFactory, SqlQuery } from "@prisma/driver-adapter-utils";
import type { Prisma, PrismaClient } from "@/lib/generated/prisma/client";

export type SqlArg = string | number | bigint | boolean | Date | null;

const REGISTRY = Symbol.for("bos-mirror.direct-sql.clients");

export type SqlRow = Record<string, unknown>;

export interface DirectSql {
  /** The rows of a SELECT (or of a statement with RETURNING), each by column name. */
  query(sql: string, args: readonly SqlArg[]): Promise<SqlRow[]>;
  /** An INSERT, UPDATE or DELETE: how many rows it changed. */
  execute(sql: string, args: readonly SqlArg[]): Promise<number>;
  /**
   * The same statements inside one of this client's interactive transactions, as its raw queries:
   * a raw query skips the query compiler too (~0.15 ms against ~1.2 ms for a model query,
   * `bench/micro/prisma-query.ts`), and it runs on the transaction's connection, which a statement
   * on the adapter could not (on SQLite it would wait for the transaction to end).
   */
  within(tx: RawStatements): DirectSql;
}

/** What `within` needs of a transaction client: its raw queries. */
export type RawStatements = Pick<Prisma.TransactionClient, "$queryRawUnsafe" | "$executeRawUnsafe">;

const argType = (arg: SqlArg): ArgType => {
  if (typeof arg === "string") return { scalarType: "string", arity: "scalar" };
  if (typeof arg === "number") return { scalarType: Number.isInteger(arg) ? "int" : "float", arity: "scalar" };
  if (typeof arg === "bigint") return { scalarType: "bigint", arity: "scalar" };
  if (typeof arg === "boolean") return { scalarType: "boolean", arity: "scalar" };
  if (arg instanceof Date) return { scalarType: "datetime", arity: "scalar" };
  return { scalarType: "unknown", arity: "scalar" };
};

/** `?` placeholders as PostgreSQL numbers them. The statements here hold no `?` inside literals. */
export function numberedPlaceholders(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

/**
 * The adapter factory handed to PrismaClient, made to connect once: Prisma and DirectSql then share
 * the adapter it returns. After Prisma disposes of it ($disconnect), the next use connects again.
 */
export function sharedConnection(factory: SqlDriverAdapterFactory): { factory: SqlDriverAdapterFactory; connected: () => Promise<SqlDriverAdapter> } {
  let connecting: Promise<SqlDriverAdapter> | null = null;
  const connected = (): Promise<SqlDriverAdapter> => {
    if (connecting) return connecting;
    const attempt = factory.connect().then((adapter) => {
      const dispose = adapter.dispose.bind(adapter);
      adapter.dispose = () => {
        if (connecting === attempt) connecting = null;
        return dispose();
      };
      return adapter;
    });
    // A failed connection is not kept: the next use tries again, as Prisma's own does.
    attempt.catch(() => {
      if (connecting === attempt) connecting = null;
    });
    connecting = attempt;
    return attempt;
  };
  return { factory: { provider: factory.provider, adapterName: factory.adapterName, connect: connected }, connected };
}

export function directSqlOn(provider: "sqlite" | "postgresql", connected: () => Promise<SqlDriverAdapter>): DirectSql {
  const texts = new Map<string, string>();
  const textOf = (sql: string): string => {
    let text = texts.get(sql);
    if (text === undefined) {
      text = provider === "postgresql" ? numberedPlaceholders(sql) : sql;
      texts.set(sql, text);
    }
    return text;
  };
  const statement = (sql: string, args: readonly SqlArg[]): SqlQuery => ({ sql: textOf(sql), args: [...args], argTypes: args.map(argType) });
  const within = (tx: RawStatements): DirectSql => ({
    query: (sql, args) => tx.$queryRawUnsafe<SqlRow[]>(textOf(sql), ...args),
    execute: (sql, args) => tx.$executeRawUnsafe(textOf(sql), ...args),
    within,
  });
  return {
    within,
    async query(sql, args) {
      const adapter = await connected();
      const result = await adapter.queryRaw(statement(sql, args));
      const names = result.columnNames;
      return result.rows.map((values) => {
        const row: SqlRow = {};
        for (let i = 0; i < names.length; i++) row[names[i]!] = values[i];
        return row;
      });
    },
    async execute(sql, args) {
      const adapter = await connected();
      return adapter.executeRaw(statement(sql, args));
    },
  };
}

/**
 * Shared by every copy of this module in the process: Next bundles its own copy for the console's
 * route handlers, which reach the same client (lib/runtime/current-app.ts) as the server's copy
 * that registered it.
 */
const registry = globalThis as typeof globalThis & { [REGISTRY]?: WeakMap<object, DirectSql> };
const clients = (registry[REGISTRY] ??= new WeakMap<object, DirectSql>());

/** Called where clients are made (lib/db/create-client.ts): `client`'s statements run on `sql`. */
export function registerDirectSql(client: object, sql: DirectSql): void {
  clients.set(client, sql);
}

/** The direct statements of a client made by createPrismaClient (or createClientOn). */
export function directSql(client: PrismaClient): DirectSql {
  const sql = clients.get(client);
  if (!sql) throw new Error("this Prisma client was not made by createPrismaClient: it has no direct statements");
  return sql;
}

// Decoding a column the same way from either adapter.

export function readInt(value: unknown): number {
  const n = typeof value === "number" ? value : Number(value);
  if (!Number.isSafeInteger(n)) throw new Error(`not an integer column value: ${String(value)}`);
  return n;
}

export function readBigInt(value: unknown): bigint {
  if (typeof value === "bigint") return value;
  if (typeof value === "number" || typeof value === "string") return BigInt(value);
  throw new Error(`not an integer column value: ${String(value)}`);
}

/** Text without a zone (SQLite's CURRENT_TIMESTAMP: "2026-11-27 21:00:00") is UTC. */
const ZONE = /(?:Z|[+-]\d\d:?\d\d)$/i;

/** Dates: ISO text from both adapters (SQLite's as Prisma stored it), a Date, or epoch milliseconds (a number or its digits). */
export function readDate(value: unknown): Date {
  const date =
    value instanceof Date
      ? value
      : typeof value === "string" && !/^\d+$/.test(value)
        ? new Date(ZONE.test(value) ? value : `${value.replace(" ", "T")}Z`)
        : new Date(Number(value));
  if (Number.isNaN(date.getTime())) throw new Error(`not a date column value: ${String(value)}`);
  return date;
}

export function readString(value: unknown): string {
  if (typeof value !== "string") throw new Error(`not a text column value: ${String(value)}`);
  return value;
}

export function readOptionalString(value: unknown): string | null {
  return value === null || value === undefined ? null : readString(value);
}
