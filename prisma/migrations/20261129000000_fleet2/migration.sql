-- A client's DELETE (or write) of a key on one instance wins over another instance's pull of it:
-- the delete marks the key's fetch lease, and the pull's commit checks the mark in its transaction.

-- AlterTable
ALTER TABLE "FetchLease" ADD COLUMN "superseded" BOOLEAN NOT NULL DEFAULT false;

-- Background work besides import jobs, in the database rather than one process's memory:
-- "Empty bucket" runs and accepted async FetchObject requests, owned by an instance and taken over
-- when it is gone.

-- CreateTable
CREATE TABLE "BackgroundJob" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "kind" TEXT NOT NULL,
    "bucketId" INTEGER NOT NULL,
    "state" TEXT NOT NULL,
    "ownerInstance" TEXT,
    "input" TEXT NOT NULL,
    "total" INTEGER NOT NULL DEFAULT 0,
    "done" INTEGER NOT NULL DEFAULT 0,
    "failed" INTEGER NOT NULL DEFAULT 0,
    "remaining" INTEGER,
    "checkpoint" TEXT,
    "error" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" DATETIME,
    CONSTRAINT "BackgroundJob_bucketId_fkey" FOREIGN KEY ("bucketId") REFERENCES "Bucket" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "BackgroundJob_state_idx" ON "BackgroundJob"("state");

-- CreateIndex
CREATE INDEX "BackgroundJob_bucketId_kind_createdAt_idx" ON "BackgroundJob"("bucketId", "kind", "createdAt");
