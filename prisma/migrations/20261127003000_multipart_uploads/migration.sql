-- CreateTable
CREATE TABLE "MultipartUpload" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "uploadId" TEXT NOT NULL,
    "bucketId" INTEGER NOT NULL,
    "key" TEXT NOT NULL,
    "storageClass" TEXT NOT NULL,
    "httpMeta" TEXT NOT NULL DEFAULT '{}',
    "userMeta" TEXT NOT NULL DEFAULT '{}',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "MultipartUpload_bucketId_fkey" FOREIGN KEY ("bucketId") REFERENCES "Bucket" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "MultipartPart" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "uploadId" INTEGER NOT NULL,
    "partNumber" INTEGER NOT NULL,
    "size" BIGINT NOT NULL,
    "etag" TEXT NOT NULL,
    "blobName" TEXT NOT NULL,
    "pending" INTEGER NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "MultipartPart_uploadId_fkey" FOREIGN KEY ("uploadId") REFERENCES "MultipartUpload" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE UNIQUE INDEX "MultipartUpload_uploadId_key" ON "MultipartUpload"("uploadId");

-- CreateIndex
CREATE INDEX "MultipartUpload_bucketId_key_idx" ON "MultipartUpload"("bucketId", "key");

-- CreateIndex
CREATE INDEX "MultipartUpload_createdAt_idx" ON "MultipartUpload"("createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "MultipartPart_uploadId_partNumber_key" ON "MultipartPart"("uploadId", "partNumber");
