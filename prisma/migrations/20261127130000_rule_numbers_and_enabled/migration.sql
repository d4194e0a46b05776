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

-- Back-to-origin activity names rules by number too. Counters and events of rules deleted before
-- this migration cannot be given one (and would be taken for a later rule with that number): dropped.
DELETE FROM "MirrorActivity" WHERE "ruleId" <> 0 AND NOT EXISTS (
    SELECT 1 FROM "MirrorRule" WHERE "MirrorRule"."id" = "MirrorActivity"."ruleId" AND "MirrorRule"."bucketId" = "MirrorActivity"."bucketId"
);
-- Through negative values, so no row meets another's key halfway.
UPDATE "MirrorActivity" SET "ruleId" = -(SELECT "number" FROM "MirrorRule" WHERE "MirrorRule"."id" = "MirrorActivity"."ruleId") WHERE "ruleId" > 0;
UPDATE "MirrorActivity" SET "ruleId" = -"ruleId" WHERE "ruleId" < 0;
DELETE FROM "MirrorEvent" WHERE "ruleId" IS NOT NULL AND NOT EXISTS (
    SELECT 1 FROM "MirrorRule" WHERE "MirrorRule"."id" = "MirrorEvent"."ruleId" AND "MirrorRule"."bucketId" = "MirrorEvent"."bucketId"
);
UPDATE "MirrorEvent" SET "ruleId" = (SELECT "number" FROM "MirrorRule" WHERE "MirrorRule"."id" = "MirrorEvent"."ruleId") WHERE "ruleId" IS NOT NULL;

-- CreateIndex
CREATE UNIQUE INDEX "MirrorRule_bucketId_number_key" ON "MirrorRule"("bucketId", "number");
