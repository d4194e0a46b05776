/**
 * A SQLite adapter factory (lib/db/sqlite-adapter.ts) whose connection records every statement it
 * prepares and every pragma it runs, in order, into `statements` ("PRAGMA <source>" for pragmas):
 * tests read which statements ran between `synchronous = NORMAL` and `synchronous = FULL`.
 * `beforePragma` may throw to make a pragma fail (then it is not recorded here); `onConnect` sees the
 * connection before the recording wraps it.
 */
import type Database from "better-sqlite3";
import type { SqlDriverAdapterFactory } from "@prisma/driver-adapter-utils";

type Connection = InstanceType<typeof Database>;

export function recordingAdapter(
  factory: SqlDriverAdapterFactory,
  statements: string[],
  { beforePragma, onConnect }: { beforePragma?: (source: string) => void; onConnect?: (connection: Connection) => void } = {},
): SqlDriverAdapterFactory {
  return {
    ...factory,
    connect: async () => {
      const adapter = await factory.connect();
      const connection = (adapter as unknown as { client: Connection }).client;
      onConnect?.(connection);
      const prepare = connection.prepare.bind(connection);
      connection.prepare = ((sql: string) => {
        statements.push(sql);
        return prepare(sql);
      }) as Connection["prepare"];
      const pragma = connection.pragma.bind(connection);
      connection.pragma = ((source: string, options?: { simple?: boolean }) => {
        beforePragma?.(source);
        statements.push(`PRAGMA ${source}`);
        return pragma(source, options);
      }) as Connection["pragma"];
      return adapter;
    },
  };
}
