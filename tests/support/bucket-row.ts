/**
 * A test file's own Prisma client (on the file's database: tests/support/worker-database.ts) and one
 * bucket row in it, made before the file's tests; the client is closed after them. `bucket.id` is
 * set once the row exists: read it inside tests and hooks, not at the file's top level.
 */
import { afterAll, beforeAll } from "vitest";
import { createPrismaClient } from "@/lib/db/create-client";
import { env } from "@/lib/env";
import type { PrismaClient } from "@/lib/generated/prisma/client";

export function clientWithBucket(name: string): { prisma: PrismaClient; bucket: { id: number; name: string } } {
  const prisma = createPrismaClient(env().database);
  const bucket = { id: 0, name };
  beforeAll(async () => {
    bucket.id = (await prisma.bucket.create({ data: { name, zoneType: "SINGLE_AZ", defaultStorageClass: "STANDARD" } })).id;
  });
  afterAll(() => prisma.$disconnect());
  return { prisma, bucket };
}
