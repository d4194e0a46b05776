-- CreateTable
CREATE TABLE "MirrorActivity" (
    "bucketId" INTEGER NOT NULL,
    "ruleId" INTEGER NOT NULL,
    "resolution" TEXT NOT NULL,
    "periodStart" INTEGER NOT NULL,
    "pulled" INTEGER NOT NULL DEFAULT 0,
    "bytes" BIGINT NOT NULL DEFAULT 0,
    "missing" INTEGER NOT NULL DEFAULT 0,
    "failed" INTEGER NOT NULL DEFAULT 0,
    "redirected" INTEGER NOT NULL DEFAULT 0,
    "negativeCached" INTEGER NOT NULL DEFAULT 0,
    "circuitOpen" INTEGER NOT NULL DEFAULT 0,

    PRIMARY KEY ("bucketId", "resolution", "periodStart", "ruleId"),
    CONSTRAINT "MirrorActivity_bucketId_fkey" FOREIGN KEY ("bucketId") REFERENCES "Bucket" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "MirrorEvent" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "bucketId" INTEGER NOT NULL,
    "ruleId" INTEGER,
    "key" TEXT NOT NULL,
    "outcome" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "status" INTEGER,
    "reason" TEXT,
    "originUrl" TEXT,
    "bytes" BIGINT NOT NULL,
    "durationMs" INTEGER NOT NULL,
    "at" DATETIME NOT NULL,
    CONSTRAINT "MirrorEvent_bucketId_fkey" FOREIGN KEY ("bucketId") REFERENCES "Bucket" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "MirrorActivity_resolution_periodStart_idx" ON "MirrorActivity"("resolution", "periodStart");

-- CreateIndex
CREATE INDEX "MirrorEvent_bucketId_id_idx" ON "MirrorEvent"("bucketId", "id");

-- CreateIndex
CREATE INDEX "MirrorEvent_bucketId_outcome_id_idx" ON "MirrorEvent"("bucketId", "outcome", "id");
