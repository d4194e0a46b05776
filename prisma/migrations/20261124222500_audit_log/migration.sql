-- CreateTable
CREATE TABLE "AuditEvent" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actor" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "bucket" TEXT,
    "target" TEXT,
    "before" TEXT,
    "after" TEXT,
    "requestId" TEXT NOT NULL
);

-- CreateIndex
CREATE INDEX "AuditEvent_bucket_id_idx" ON "AuditEvent"("bucket", "id");

