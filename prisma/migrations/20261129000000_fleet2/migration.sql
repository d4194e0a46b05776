-- A client's DELETE (or write) of a key on one instance wins over another instance's pull of it:
-- the delete marks the key's fetch lease, and the pull's commit checks the mark in its transaction.

-- AlterTable
ALTER TABLE "FetchLease" ADD COLUMN "superseded" BOOLEAN NOT NULL DEFAULT false;
