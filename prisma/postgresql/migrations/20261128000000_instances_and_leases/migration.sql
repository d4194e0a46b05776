-- PostgreSQL's counterpart of the SQLite migration(s) 20261128000000_instances_and_leases:
-- derived from prisma/schema.prisma by `npm run db:postgres` (scripts/db-postgres.ts). Text columns compare bytewise (COLLATE "C").

-- AlterTable
ALTER TABLE "PendingWrite" ADD COLUMN     "instanceId" TEXT COLLATE "C";

-- AlterTable
ALTER TABLE "ImportJob" ADD COLUMN     "ownerInstance" TEXT COLLATE "C";

-- CreateTable
CREATE TABLE "Instance" (
    "id" TEXT COLLATE "C" NOT NULL,
    "host" TEXT COLLATE "C" NOT NULL,
    "pid" INTEGER NOT NULL,
    "startedAt" TIMESTAMP(3) NOT NULL,
    "heartbeatAt" TIMESTAMP(3) NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Instance_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "FetchLease" (
    "bucketId" INTEGER NOT NULL,
    "key" TEXT COLLATE "C" NOT NULL,
    "owner" TEXT COLLATE "C" NOT NULL,
    "token" TEXT COLLATE "C" NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "outcome" TEXT COLLATE "C",
    "reason" TEXT COLLATE "C",

    CONSTRAINT "FetchLease_pkey" PRIMARY KEY ("bucketId","key")
);

-- CreateTable
CREATE TABLE "CacheChange" (
    "seq" SERIAL NOT NULL,
    "scope" TEXT COLLATE "C" NOT NULL,
    "bucketId" INTEGER NOT NULL,
    "name" TEXT COLLATE "C" NOT NULL DEFAULT '',
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CacheChange_pkey" PRIMARY KEY ("seq")
);

-- CreateTable
CREATE TABLE "SignInFailure" (
    "id" SERIAL NOT NULL,
    "key" TEXT COLLATE "C" NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "SignInFailure_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Instance_expiresAt_idx" ON "Instance"("expiresAt");

-- CreateIndex
CREATE INDEX "FetchLease_owner_idx" ON "FetchLease"("owner");

-- CreateIndex
CREATE INDEX "CacheChange_at_idx" ON "CacheChange"("at");

-- CreateIndex
CREATE INDEX "SignInFailure_key_at_idx" ON "SignInFailure"("key", "at");

-- CreateIndex
CREATE INDEX "SignInFailure_at_idx" ON "SignInFailure"("at");

