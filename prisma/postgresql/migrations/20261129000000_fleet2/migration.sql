-- PostgreSQL's counterpart of the SQLite migration(s) 20261129000000_fleet2:
-- derived from prisma/schema.prisma by `npm run db:postgres` (scripts/db-postgres.ts). Text columns compare bytewise (COLLATE "C").

-- AlterTable
ALTER TABLE "FetchLease" ADD COLUMN     "superseded" BOOLEAN NOT NULL DEFAULT false;

