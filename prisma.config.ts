// Prisma runs offline here only with the JS engine and a driver adapter (see shared notes/toolchain.md).
// DATABASE_URL picks the provider (lib/env.ts), and with it the schema and migrations Prisma's CLI
// uses: prisma/ for SQLite, prisma/postgresql/ (generated from prisma/schema.prisma) for PostgreSQL.
import { defineConfig } from "prisma/config";
import { migrationAdapter, prismaDirectory } from "./lib/db/adapter";
import { env } from "./lib/env";

const database = env().database;
const directory = prismaDirectory(database);

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: `${directory}/schema.prisma`,
  migrations: { path: `${directory}/migrations` },
  adapter: async () => migrationAdapter(database),
});
