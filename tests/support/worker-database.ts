/**
 * Runs before each integration test file: points the app at a private copy of the migrated
 * template database (a SQLite file, or a PostgreSQL database made from the template: see
 * tests/support/test-databases.ts) and, with the S3 blob store, a bucket of its own, so files never
 * share state; disconnects and removes them afterwards. Child servers (tests/support/server-process.ts)
 * inherit this environment, so they use the same database.
 */
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, inject } from "vitest";
import { deleteTestBucket, newTestBucketName } from "./s3-test-bucket";
import { TEST_CREDENTIALS } from "./signed-fetch";
import { createDatabase, dropDatabase, postgresServerUrl, testDatabaseKind, uniqueDatabaseName } from "./test-databases";

const dir = mkdtempSync(path.join(os.tmpdir(), "bos-mirror-test-"));
const postgresDatabase = testDatabaseKind() === "postgresql" ? uniqueDatabaseName("bos_mirror_test") : null;
if (postgresDatabase) {
  process.env.DATABASE_URL = await createDatabase(postgresServerUrl(), postgresDatabase, { template: inject("templateDatabase") });
} else {
  const database = path.join(dir, "test.db");
  copyFileSync(inject("templateDatabase"), database);
  process.env.DATABASE_URL = `file:${database}`;
}
process.env.DATA_DIR = dir;
// Test origins listen on loopback; a test file that checks the SSRF guard sets its own list first.
process.env.ORIGIN_ALLOWLIST ??= "127.0.0.1";
process.env.ROOT_ACCESS_KEY = TEST_CREDENTIALS.accessKeyId;
process.env.ROOT_SECRET_KEY = TEST_CREDENTIALS.secretKey;
if (process.env.BLOB_STORE === "s3") process.env.BLOB_S3_BUCKET = newTestBucketName();
// The servers' request and back-to-origin lines would bury the test output; the log's own test sets its level.
process.env.LOG_LEVEL ??= "silent";

// The app is built from this environment on first use (after the test file's own settings).
await import("@/lib/runtime/create-app");

afterAll(async () => {
  const { closeCurrentApp } = await import("@/lib/runtime/current-app");
  await closeCurrentApp();
  rmSync(dir, { recursive: true, force: true });
  if (postgresDatabase) await dropDatabase(postgresServerUrl(), postgresDatabase);
  const { env } = await import("@/lib/env");
  const store = env().blobStore;
  if (store.kind === "s3") await deleteTestBucket(store);
});
