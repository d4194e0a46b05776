-- Objects made of several blobs (multipart completion without a copy), stored checksums, and
-- multipart parts that are referenced by their rows instead of journaled (uploads survive restarts).

-- AlterTable
ALTER TABLE "StoredObject" ADD COLUMN "checksums" TEXT NOT NULL DEFAULT '{}';
ALTER TABLE "StoredObject" ADD COLUMN "blobCount" INTEGER NOT NULL DEFAULT 1;

-- CreateTable
CREATE TABLE "ObjectSegment" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "objectId" INTEGER NOT NULL,
    "position" INTEGER NOT NULL,
    "blobName" TEXT NOT NULL,
    "size" BIGINT NOT NULL,
    CONSTRAINT "ObjectSegment_objectId_fkey" FOREIGN KEY ("objectId") REFERENCES "StoredObject" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE UNIQUE INDEX "ObjectSegment_objectId_position_key" ON "ObjectSegment"("objectId", "position");

-- CreateIndex
CREATE INDEX "ObjectSegment_blobName_idx" ON "ObjectSegment"("blobName");

-- Until now every start aborted the uploads in progress and removed their parts (journaled blobs):
-- none is worth keeping. Their journal entries still name the part blobs, so the next start
-- removes those blobs as it always did.
DELETE FROM "MultipartPart";
DELETE FROM "MultipartUpload";

-- RedefineTable: parts lose their journal entry ("pending") and gain their checksums.
DROP TABLE "MultipartPart";
CREATE TABLE "MultipartPart" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "uploadId" INTEGER NOT NULL,
    "partNumber" INTEGER NOT NULL,
    "size" BIGINT NOT NULL,
    "etag" TEXT NOT NULL,
    "checksums" TEXT NOT NULL DEFAULT '{}',
    "blobName" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "MultipartPart_uploadId_fkey" FOREIGN KEY ("uploadId") REFERENCES "MultipartUpload" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE UNIQUE INDEX "MultipartPart_uploadId_partNumber_key" ON "MultipartPart"("uploadId", "partNumber");

-- CreateIndex
CREATE INDEX "MultipartPart_blobName_idx" ON "MultipartPart"("blobName");
