-- PostgreSQL's counterpart of every SQLite migration up to and including 20261127140000_object_segments_and_checksums:
-- derived from prisma/schema.prisma by `npm run db:postgres` (scripts/db-postgres.ts). Text columns compare bytewise (COLLATE "C").

-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "Bucket" (
    "id" SERIAL NOT NULL,
    "name" TEXT COLLATE "C" NOT NULL,
    "zoneType" TEXT COLLATE "C" NOT NULL,
    "defaultStorageClass" TEXT COLLATE "C" NOT NULL,
    "acl" TEXT COLLATE "C" NOT NULL DEFAULT 'private',
    "lastRuleNumber" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Bucket_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "MirrorRule" (
    "id" SERIAL NOT NULL,
    "bucketId" INTEGER NOT NULL,
    "number" INTEGER NOT NULL DEFAULT 0,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "mode" TEXT COLLATE "C" NOT NULL,
    "conditionPrefix" TEXT COLLATE "C" NOT NULL DEFAULT '',
    "conditionSuffix" TEXT COLLATE "C" NOT NULL DEFAULT '',
    "origin" TEXT COLLATE "C" NOT NULL,
    "backupOrigin" TEXT COLLATE "C",
    "prefixRewrite" TEXT COLLATE "C",
    "fixedKey" TEXT COLLATE "C",
    "addressPrefix" TEXT COLLATE "C" NOT NULL DEFAULT '',
    "addressSuffix" TEXT COLLATE "C" NOT NULL DEFAULT '',
    "passQueryString" BOOLEAN NOT NULL DEFAULT false,
    "storageClass" TEXT COLLATE "C" NOT NULL,
    "headers" TEXT COLLATE "C" NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "MirrorRule_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "StoredObject" (
    "id" SERIAL NOT NULL,
    "bucketId" INTEGER NOT NULL,
    "key" TEXT COLLATE "C" NOT NULL,
    "size" BIGINT NOT NULL,
    "etag" TEXT COLLATE "C" NOT NULL,
    "storageClass" TEXT COLLATE "C" NOT NULL,
    "httpMeta" TEXT COLLATE "C" NOT NULL DEFAULT '{}',
    "userMeta" TEXT COLLATE "C" NOT NULL DEFAULT '{}',
    "checksums" TEXT COLLATE "C" NOT NULL DEFAULT '{}',
    "sourceUrl" TEXT COLLATE "C",
    "blobName" TEXT COLLATE "C" NOT NULL,
    "blobCount" INTEGER NOT NULL DEFAULT 1,
    "lastModified" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "StoredObject_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ObjectSegment" (
    "id" SERIAL NOT NULL,
    "objectId" INTEGER NOT NULL,
    "position" INTEGER NOT NULL,
    "blobName" TEXT COLLATE "C" NOT NULL,
    "size" BIGINT NOT NULL,

    CONSTRAINT "ObjectSegment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PendingWrite" (
    "id" SERIAL NOT NULL,
    "bucketId" INTEGER NOT NULL,
    "key" TEXT COLLATE "C" NOT NULL,
    "blobName" TEXT COLLATE "C" NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PendingWrite_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "MultipartUpload" (
    "id" SERIAL NOT NULL,
    "uploadId" TEXT COLLATE "C" NOT NULL,
    "bucketId" INTEGER NOT NULL,
    "key" TEXT COLLATE "C" NOT NULL,
    "storageClass" TEXT COLLATE "C" NOT NULL,
    "httpMeta" TEXT COLLATE "C" NOT NULL DEFAULT '{}',
    "userMeta" TEXT COLLATE "C" NOT NULL DEFAULT '{}',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "MultipartUpload_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "MultipartPart" (
    "id" SERIAL NOT NULL,
    "uploadId" INTEGER NOT NULL,
    "partNumber" INTEGER NOT NULL,
    "size" BIGINT NOT NULL,
    "etag" TEXT COLLATE "C" NOT NULL,
    "checksums" TEXT COLLATE "C" NOT NULL DEFAULT '{}',
    "blobName" TEXT COLLATE "C" NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "MultipartPart_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AccessKey" (
    "id" SERIAL NOT NULL,
    "accessKeyId" TEXT COLLATE "C" NOT NULL,
    "secretSealed" TEXT COLLATE "C" NOT NULL,
    "description" TEXT COLLATE "C" NOT NULL DEFAULT '',
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AccessKey_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "User" (
    "id" SERIAL NOT NULL,
    "email" TEXT COLLATE "C" NOT NULL,
    "passwordHash" TEXT COLLATE "C" NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "User_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Session" (
    "id" TEXT COLLATE "C" NOT NULL,
    "userId" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Session_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AuditEvent" (
    "id" SERIAL NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actor" TEXT COLLATE "C" NOT NULL,
    "action" TEXT COLLATE "C" NOT NULL,
    "bucket" TEXT COLLATE "C",
    "target" TEXT COLLATE "C",
    "before" TEXT COLLATE "C",
    "after" TEXT COLLATE "C",
    "requestId" TEXT COLLATE "C" NOT NULL,

    CONSTRAINT "AuditEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ImportJob" (
    "id" SERIAL NOT NULL,
    "bucketId" INTEGER NOT NULL,
    "state" TEXT COLLATE "C" NOT NULL,
    "draft" BOOLEAN NOT NULL DEFAULT false,
    "source" TEXT COLLATE "C" NOT NULL,
    "secretSealed" TEXT COLLATE "C",
    "listCursor" TEXT COLLATE "C",
    "listed" BOOLEAN NOT NULL DEFAULT true,
    "error" TEXT COLLATE "C",
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
    "runningSince" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" TIMESTAMP(3),
    "endedAt" TIMESTAMP(3),

    CONSTRAINT "ImportJob_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ImportItem" (
    "id" SERIAL NOT NULL,
    "jobId" INTEGER NOT NULL,
    "key" TEXT COLLATE "C" NOT NULL,
    "state" TEXT COLLATE "C" NOT NULL DEFAULT 'pending',
    "reason" TEXT COLLATE "C",

    CONSTRAINT "ImportItem_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "MirrorActivity" (
    "bucketId" INTEGER NOT NULL,
    "ruleId" INTEGER NOT NULL,
    "resolution" TEXT COLLATE "C" NOT NULL,
    "periodStart" INTEGER NOT NULL,
    "pulled" INTEGER NOT NULL DEFAULT 0,
    "bytes" BIGINT NOT NULL DEFAULT 0,
    "missing" INTEGER NOT NULL DEFAULT 0,
    "failed" INTEGER NOT NULL DEFAULT 0,
    "redirected" INTEGER NOT NULL DEFAULT 0,
    "negativeCached" INTEGER NOT NULL DEFAULT 0,
    "circuitOpen" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "MirrorActivity_pkey" PRIMARY KEY ("bucketId","resolution","periodStart","ruleId")
);

-- CreateTable
CREATE TABLE "MirrorEvent" (
    "id" SERIAL NOT NULL,
    "bucketId" INTEGER NOT NULL,
    "ruleId" INTEGER,
    "key" TEXT COLLATE "C" NOT NULL,
    "outcome" TEXT COLLATE "C" NOT NULL,
    "source" TEXT COLLATE "C" NOT NULL,
    "status" INTEGER,
    "reason" TEXT COLLATE "C",
    "originUrl" TEXT COLLATE "C",
    "bytes" BIGINT NOT NULL,
    "durationMs" INTEGER NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "MirrorEvent_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Bucket_name_key" ON "Bucket"("name");

-- CreateIndex
CREATE INDEX "MirrorRule_bucketId_id_idx" ON "MirrorRule"("bucketId", "id");

-- CreateIndex
CREATE UNIQUE INDEX "MirrorRule_bucketId_number_key" ON "MirrorRule"("bucketId", "number");

-- CreateIndex
CREATE INDEX "StoredObject_blobName_idx" ON "StoredObject"("blobName");

-- CreateIndex
CREATE UNIQUE INDEX "StoredObject_bucketId_key_key" ON "StoredObject"("bucketId", "key");

-- CreateIndex
CREATE INDEX "ObjectSegment_blobName_idx" ON "ObjectSegment"("blobName");

-- CreateIndex
CREATE UNIQUE INDEX "ObjectSegment_objectId_position_key" ON "ObjectSegment"("objectId", "position");

-- CreateIndex
CREATE UNIQUE INDEX "MultipartUpload_uploadId_key" ON "MultipartUpload"("uploadId");

-- CreateIndex
CREATE INDEX "MultipartUpload_bucketId_key_idx" ON "MultipartUpload"("bucketId", "key");

-- CreateIndex
CREATE INDEX "MultipartUpload_createdAt_idx" ON "MultipartUpload"("createdAt");

-- CreateIndex
CREATE INDEX "MultipartPart_blobName_idx" ON "MultipartPart"("blobName");

-- CreateIndex
CREATE UNIQUE INDEX "MultipartPart_uploadId_partNumber_key" ON "MultipartPart"("uploadId", "partNumber");

-- CreateIndex
CREATE UNIQUE INDEX "AccessKey_accessKeyId_key" ON "AccessKey"("accessKeyId");

-- CreateIndex
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");

-- CreateIndex
CREATE INDEX "Session_userId_idx" ON "Session"("userId");

-- CreateIndex
CREATE INDEX "AuditEvent_bucket_id_idx" ON "AuditEvent"("bucket", "id");

-- CreateIndex
CREATE INDEX "ImportJob_bucketId_id_idx" ON "ImportJob"("bucketId", "id");

-- CreateIndex
CREATE INDEX "ImportJob_state_idx" ON "ImportJob"("state");

-- CreateIndex
CREATE INDEX "ImportItem_jobId_state_id_idx" ON "ImportItem"("jobId", "state", "id");

-- CreateIndex
CREATE UNIQUE INDEX "ImportItem_jobId_key_key" ON "ImportItem"("jobId", "key");

-- CreateIndex
CREATE INDEX "MirrorActivity_resolution_periodStart_idx" ON "MirrorActivity"("resolution", "periodStart");

-- CreateIndex
CREATE INDEX "MirrorEvent_bucketId_id_idx" ON "MirrorEvent"("bucketId", "id");

-- CreateIndex
CREATE INDEX "MirrorEvent_bucketId_outcome_id_idx" ON "MirrorEvent"("bucketId", "outcome", "id");

-- AddForeignKey
ALTER TABLE "MirrorRule" ADD CONSTRAINT "MirrorRule_bucketId_fkey" FOREIGN KEY ("bucketId") REFERENCES "Bucket"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "StoredObject" ADD CONSTRAINT "StoredObject_bucketId_fkey" FOREIGN KEY ("bucketId") REFERENCES "Bucket"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ObjectSegment" ADD CONSTRAINT "ObjectSegment_objectId_fkey" FOREIGN KEY ("objectId") REFERENCES "StoredObject"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MultipartUpload" ADD CONSTRAINT "MultipartUpload_bucketId_fkey" FOREIGN KEY ("bucketId") REFERENCES "Bucket"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MultipartPart" ADD CONSTRAINT "MultipartPart_uploadId_fkey" FOREIGN KEY ("uploadId") REFERENCES "MultipartUpload"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Session" ADD CONSTRAINT "Session_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ImportJob" ADD CONSTRAINT "ImportJob_bucketId_fkey" FOREIGN KEY ("bucketId") REFERENCES "Bucket"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ImportItem" ADD CONSTRAINT "ImportItem_jobId_fkey" FOREIGN KEY ("jobId") REFERENCES "ImportJob"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MirrorActivity" ADD CONSTRAINT "MirrorActivity_bucketId_fkey" FOREIGN KEY ("bucketId") REFERENCES "Bucket"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MirrorEvent" ADD CONSTRAINT "MirrorEvent_bucketId_fkey" FOREIGN KEY ("bucketId") REFERENCES "Bucket"("id") ON DELETE CASCADE ON UPDATE CASCADE;

