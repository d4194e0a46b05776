-- CreateTable
CREATE TABLE "ImportJob" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "bucketId" INTEGER NOT NULL,
    "state" TEXT NOT NULL,
    "draft" BOOLEAN NOT NULL DEFAULT false,
    "source" TEXT NOT NULL,
    "secretSealed" TEXT,
    "listCursor" TEXT,
    "listed" BOOLEAN NOT NULL DEFAULT true,
    "error" TEXT,
    "concurrency" INTEGER NOT NULL,
    "overwrite" BOOLEAN NOT NULL DEFAULT false,
    "requestsPerSecond" INTEGER,
    "bytesPerSecond" INTEGER,
    "total" INTEGER NOT NULL DEFAULT 0,
    "pulled" INTEGER NOT NULL DEFAULT 0,
    "skipped" INTEGER NOT NULL DEFAULT 0,
    "missing" INTEGER NOT NULL DEFAULT 0,
    "failed" INTEGER NOT NULL DEFAULT 0,
    "noRule" INTEGER NOT NULL DEFAULT 0,
    "bytes" BIGINT NOT NULL DEFAULT 0,
    "activeMs" BIGINT NOT NULL DEFAULT 0,
    "runningSince" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" DATETIME,
    "endedAt" DATETIME,
    CONSTRAINT "ImportJob_bucketId_fkey" FOREIGN KEY ("bucketId") REFERENCES "Bucket" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ImportItem" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "jobId" INTEGER NOT NULL,
    "key" TEXT NOT NULL,
    "state" TEXT NOT NULL DEFAULT 'pending',
    "reason" TEXT,
    CONSTRAINT "ImportItem_jobId_fkey" FOREIGN KEY ("jobId") REFERENCES "ImportJob" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "ImportJob_bucketId_id_idx" ON "ImportJob"("bucketId", "id");

-- CreateIndex
CREATE INDEX "ImportJob_state_idx" ON "ImportJob"("state");

-- CreateIndex
CREATE UNIQUE INDEX "ImportItem_jobId_key_key" ON "ImportItem"("jobId", "key");

-- CreateIndex
CREATE INDEX "ImportItem_jobId_state_id_idx" ON "ImportItem"("jobId", "state", "id");
