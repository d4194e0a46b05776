-- CreateTable
CREATE TABLE "PendingWrite" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "bucketId" INTEGER NOT NULL,
    "key" TEXT NOT NULL,
    "blobName" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateIndex
CREATE INDEX "StoredObject_blobName_idx" ON "StoredObject"("blobName");
