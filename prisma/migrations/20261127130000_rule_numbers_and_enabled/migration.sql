-- Rules are numbered within their bucket (1, 2, 3… in creation order) instead of showing the
-- global row id, and can be disabled without being deleted.

-- AlterTable
ALTER TABLE "Bucket" ADD COLUMN "lastRuleNumber" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "MirrorRule" ADD COLUMN "number" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "MirrorRule" ADD COLUMN "enabled" BOOLEAN NOT NULL DEFAULT true;

-- Number the existing rules of each bucket in creation (id) order.
UPDATE "MirrorRule" SET "number" = (
    SELECT COUNT(*) FROM "MirrorRule" AS "earlier"
    WHERE "earlier"."bucketId" = "MirrorRule"."bucketId" AND "earlier"."id" <= "MirrorRule"."id"
);
UPDATE "Bucket" SET "lastRuleNumber" = (SELECT COUNT(*) FROM "MirrorRule" WHERE "MirrorRule"."bucketId" = "Bucket"."id");

-- Audit events of rules that still exist name them by their new number. (Events of rules deleted
-- before this migration keep the row id they were recorded with: those rules never had a number.)
UPDATE "AuditEvent" SET "target" = (
    SELECT CAST("MirrorRule"."number" AS TEXT) FROM "MirrorRule" JOIN "Bucket" ON "Bucket"."id" = "MirrorRule"."bucketId"
    WHERE "Bucket"."name" = "AuditEvent"."bucket" AND CAST("MirrorRule"."id" AS TEXT) = "AuditEvent"."target"
)
WHERE "action" LIKE 'rule.%' AND EXISTS (
    SELECT 1 FROM "MirrorRule" JOIN "Bucket" ON "Bucket"."id" = "MirrorRule"."bucketId"
    WHERE "Bucket"."name" = "AuditEvent"."bucket" AND CAST("MirrorRule"."id" AS TEXT) = "AuditEvent"."target"
);

-- CreateIndex
CREATE UNIQUE INDEX "MirrorRule_bucketId_number_key" ON "MirrorRule"("bucketId", "number");
