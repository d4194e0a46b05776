-- CreateTable
CREATE TABLE "Bucket" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "name" TEXT NOT NULL,
    "zoneType" TEXT NOT NULL,
    "defaultStorageClass" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "MirrorRule" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "bucketId" INTEGER NOT NULL,
    "mode" TEXT NOT NULL,
    "conditionPrefix" TEXT NOT NULL DEFAULT '',
    "conditionSuffix" TEXT NOT NULL DEFAULT '',
    "origin" TEXT NOT NULL,
    "backupOrigin" TEXT,
    "prefixRewrite" TEXT,
    "fixedKey" TEXT,
    "addressPrefix" TEXT NOT NULL DEFAULT '',
    "addressSuffix" TEXT NOT NULL DEFAULT '',
    "passQueryString" BOOLEAN NOT NULL DEFAULT false,
    "storageClass" TEXT NOT NULL,
    "headers" TEXT NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "MirrorRule_bucketId_fkey" FOREIGN KEY ("bucketId") REFERENCES "Bucket" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "StoredObject" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "bucketId" INTEGER NOT NULL,
    "key" TEXT NOT NULL,
    "size" BIGINT NOT NULL,
    "etag" TEXT NOT NULL,
    "storageClass" TEXT NOT NULL,
    "httpMeta" TEXT NOT NULL DEFAULT '{}',
    "userMeta" TEXT NOT NULL DEFAULT '{}',
    "sourceUrl" TEXT,
    "blobName" TEXT NOT NULL,
    "lastModified" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "StoredObject_bucketId_fkey" FOREIGN KEY ("bucketId") REFERENCES "Bucket" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateIndex
CREATE UNIQUE INDEX "Bucket_name_key" ON "Bucket"("name");

-- CreateIndex
CREATE INDEX "MirrorRule_bucketId_id_idx" ON "MirrorRule"("bucketId", "id");

-- CreateIndex
CREATE UNIQUE INDEX "StoredObject_bucketId_key_key" ON "StoredObject"("bucketId", "key");

