-- Several instances over one database (issue 11, section 3): instance leases, fetch leases,
-- the cache change log, the owner of journal entries and import jobs, and sign-in failures (the
-- throttle's counts, shared by every instance).

-- AlterTable
ALTER TABLE "PendingWrite" ADD COLUMN "instanceId" TEXT;

-- AlterTable
ALTER TABLE "ImportJob" ADD COLUMN "ownerInstance" TEXT;

-- CreateTable
CREATE TABLE "Instance" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "host" TEXT NOT NULL,
    "pid" INTEGER NOT NULL,
    "startedAt" DATETIME NOT NULL,
    "heartbeatAt" DATETIME NOT NULL,
    "expiresAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "FetchLease" (
    "bucketId" INTEGER NOT NULL,
    "key" TEXT NOT NULL,
    "owner" TEXT NOT NULL,
    "token" TEXT NOT NULL,
    "expiresAt" DATETIME NOT NULL,
    "outcome" TEXT,
    "reason" TEXT,

    PRIMARY KEY ("bucketId", "key")
);

-- CreateTable
CREATE TABLE "CacheChange" (
    "seq" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "scope" TEXT NOT NULL,
    "bucketId" INTEGER NOT NULL,
    "name" TEXT NOT NULL DEFAULT '',
    "at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateIndex
CREATE INDEX "Instance_expiresAt_idx" ON "Instance"("expiresAt");

-- CreateIndex
CREATE INDEX "FetchLease_owner_idx" ON "FetchLease"("owner");

-- CreateIndex
CREATE INDEX "CacheChange_at_idx" ON "CacheChange"("at");

-- CreateTable
CREATE TABLE "SignInFailure" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "key" TEXT NOT NULL,
    "at" DATETIME NOT NULL
);

-- CreateIndex
CREATE INDEX "SignInFailure_key_at_idx" ON "SignInFailure"("key", "at");

-- CreateIndex
CREATE INDEX "SignInFailure_at_idx" ON "SignInFailure"("at");
