-- PostgreSQL's counterpart of the SQLite migration(s) 20261129000000_fleet2:
-- derived from prisma/schema.prisma by `npm run db:postgres` (scripts/db-postgres.ts). Text columns compare bytewise (COLLATE "C").

-- AlterTable
ALTER TABLE "FetchLease" ADD COLUMN     "superseded" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "BackgroundJob" (
    "id" TEXT COLLATE "C" NOT NULL,
    "kind" TEXT COLLATE "C" NOT NULL,
    "bucketId" INTEGER NOT NULL,
    "state" TEXT COLLATE "C" NOT NULL,
    "ownerInstance" TEXT COLLATE "C",
    "input" TEXT COLLATE "C" NOT NULL,
    "total" INTEGER NOT NULL DEFAULT 0,
    "done" INTEGER NOT NULL DEFAULT 0,
    "failed" INTEGER NOT NULL DEFAULT 0,
    "remaining" INTEGER,
    "checkpoint" TEXT COLLATE "C",
    "error" TEXT COLLATE "C",
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "BackgroundJob_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "BackgroundJob_state_idx" ON "BackgroundJob"("state");

-- CreateIndex
CREATE INDEX "BackgroundJob_bucketId_kind_createdAt_idx" ON "BackgroundJob"("bucketId", "kind", "createdAt");

-- AddForeignKey
ALTER TABLE "BackgroundJob" ADD CONSTRAINT "BackgroundJob_bucketId_fkey" FOREIGN KEY ("bucketId") REFERENCES "Bucket"("id") ON DELETE CASCADE ON UPDATE CASCADE;

