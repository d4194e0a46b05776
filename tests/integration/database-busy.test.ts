/**
 * A database that cannot take a request's write in time (the server is overloaded, or another
 * process holds the write lock) is answered 503 with Retry-After by every protocol, and loses
 * nothing: the request changed nothing, and the client may simply try again. It used to be a 500
 * (Prisma's P2028 under load, seen by the deployments bench on PostgreSQL).
 *
 * Another client holds the tables the writes need: on SQLite the write lock (BEGIN IMMEDIATE), so
 * the app's write waits out its (shortened) lock wait and gets SQLITE_BUSY; on PostgreSQL a table lock
 * on the objects and buckets, so the app's statement waits out its (shortened) lock_timeout and gets
 * lock_not_available.
 */
import { GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as bucketsRoute from "@/app/api/buckets/route";
import { createPrismaClient } from "@/lib/db/create-client";
import { db } from "@/lib/db/client";
import { env } from "@/lib/env";
import { checkConsistency } from "@/lib/objects/consistency-check";
import { PrismaObjectRepository } from "@/lib/objects/object-repository";
import { startObjectServer, type TestObjectServer } from "../support/object-server";
import { callRoute, testSessionToken } from "../support/route-client";
import { testServerS3Client } from "../support/s3-sdk-client";
import { signedFetch } from "../support/signed-fetch";
import { storedBlobs } from "../support/stored-blobs";
import { waitFor } from "../support/wait";
import { TEST_TIMEOUT_MS } from "../support/timeouts";

const BUCKET = "busy-db";
let server: TestObjectServer;

beforeAll(async () => {
  // A transaction may wait and run one second, a SQLite statement wait 0.2 s for the lock (the app: 10, 20 and 5 s).
  server = await startObjectServer(undefined, {}, { databaseWaits: { transactionWaitMs: 1_000, transactionTimeoutMs: 1_000, lockWaitMs: 200 } });
  expect((await signedFetch(`${server.url}/v1/${BUCKET}`, { method: "PUT" })).status).toBe(200);
  // Stored before the hold, so the bucket and the access key are cached and reads need no writes.
  expect((await signedFetch(`${server.url}/v1/${BUCKET}/before`, { method: "PUT", body: "stored before" })).status).toBe(200);
  await testSessionToken(); // the console user and session, written before the hold
});
afterAll(() => server.stop());

/** Holds what the app's writes need from another database client until the returned function is called. */
async function holdWrites(): Promise<() => Promise<void>> {
  const other = createPrismaClient(env().database, { transactionWaitMs: 10_000, transactionTimeoutMs: TEST_TIMEOUT_MS, lockWaitMs: 5_000 });
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let locked!: () => void;
  const holding = new Promise<void>((resolve) => (locked = resolve));
  const done = other.$transaction(async (tx) => {
    // SQLite: the app's adapter begins every transaction IMMEDIATE, which takes the write lock.
    if (env().database.provider === "sqlite") await tx.$queryRawUnsafe("SELECT 1");
    else await tx.$executeRawUnsafe(`LOCK TABLE "StoredObject", "Bucket" IN SHARE ROW EXCLUSIVE MODE`);
    locked();
    await released;
  });
  await Promise.race([holding, done]);
  return async () => {
    release();
    await done;
    await other.$disconnect();
  };
}

describe("a database too busy to take a write", () => {
  it("is answered 503 with Retry-After by BOS, S3 and the management API, and nothing is stored", async () => {
    const s3 = testServerS3Client(server.url);
    const release = await holdWrites();
    let bos: Response, s3Failure: unknown, api: Awaited<ReturnType<typeof callRoute>>;
    try {
      bos = await signedFetch(`${server.url}/v1/${BUCKET}/bos-key`, { method: "PUT", body: "not stored" });
      s3Failure = await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "s3-key", Body: "not stored" })).then(
        () => null,
        (error: unknown) => error,
      );
      api = await callRoute(bucketsRoute.POST, { body: { name: "busy-new", zoneType: "SINGLE_AZ", defaultStorageClass: "STANDARD" } });
    } finally {
      await release();
    }

    expect(bos.status).toBe(503);
    expect(bos.headers.get("retry-after")).toBe("1");
    expect(await bos.json()).toMatchObject({ code: "SlowDown", message: expect.stringContaining("nothing was changed") });

    expect(s3Failure).toMatchObject({ name: "SlowDown", $metadata: { httpStatusCode: 503 } });

    expect(api.status).toBe(503);
    expect(api.headers.get("retry-after")).toBe("1");
    expect(api.body).toMatchObject({ code: "ServerBusy" });

    // Nothing of the three requests was stored, and what was stored before is intact.
    expect((await signedFetch(`${server.url}/v1/${BUCKET}/bos-key`)).status).toBe(404);
    await expect(s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: "s3-key" }))).rejects.toMatchObject({ name: "NoSuchKey" });
    expect(await db().bucket.findUnique({ where: { name: "busy-new" } })).toBeNull();
    expect(await (await signedFetch(`${server.url}/v1/${BUCKET}/before`)).text()).toBe("stored before");
    // No blob is left behind by the refused uploads (removals may finish after the responses).
    const repository = new PrismaObjectRepository(db);
    await waitFor(async () => {
      const report = await checkConsistency({ blobs: storedBlobs(), rows: repository, journal: repository }, { repair: false, staleTempMs: 3_600_000 });
      return report.blobsWithoutRow.length === 0 && report.rowsWithoutBlob.length === 0 && report.pendingWrites === 0;
    }, "no blob without a row and no journal entry left");

    // Once the database is free again the same requests succeed: trying again is all a client needs.
    expect((await signedFetch(`${server.url}/v1/${BUCKET}/bos-key`, { method: "PUT", body: "stored" })).status).toBe(200);
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "s3-key", Body: "stored" }));
    expect((await callRoute(bucketsRoute.POST, { body: { name: "busy-new", zoneType: "SINGLE_AZ", defaultStorageClass: "STANDARD" } })).status).toBe(201);
  });
});
