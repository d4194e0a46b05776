/**
 * The one Prisma client of the process. The custom server (loaded by tsx) and Next's bundled
 * route handlers each get their own copy of this module, so the instance lives on globalThis:
 * both copies share one SQLite connection.
 */
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaClient } from "@/lib/generated/prisma/client";
import { env } from "@/lib/env";

const holder = globalThis as typeof globalThis & { __bosPrisma?: PrismaClient };

export function db(): PrismaClient {
  holder.__bosPrisma ??= new PrismaClient({
    adapter: new PrismaBetterSQLite3({ url: env().databaseUrl }),
  });
  return holder.__bosPrisma;
}

export async function disconnectDb(): Promise<void> {
  const client = holder.__bosPrisma;
  holder.__bosPrisma = undefined;
  await client?.$disconnect();
}
