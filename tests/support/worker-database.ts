/**
 * Runs before each integration test file: points the app at a private copy of the migrated
 * template database, so files never share state, and disconnects afterwards.
 */
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, inject } from "vitest";
import { TEST_CREDENTIALS } from "./signed-fetch";

const dir = mkdtempSync(path.join(os.tmpdir(), "bos-mirror-test-"));
const database = path.join(dir, "test.db");
copyFileSync(inject("templateDatabase"), database);
process.env.DATA_DIR = dir;
process.env.DATABASE_URL = `file:${database}`;
// Test origins listen on loopback; a test file that checks the SSRF guard sets its own list first.
process.env.ORIGIN_ALLOWLIST ??= "127.0.0.1";
process.env.ROOT_ACCESS_KEY = TEST_CREDENTIALS.accessKeyId;
process.env.ROOT_SECRET_KEY = TEST_CREDENTIALS.secretKey;
// The servers' request and back-to-origin lines would bury the test output; the log's own test sets its level.
process.env.LOG_LEVEL ??= "silent";

// The app is built from this environment on first use (after the test file's own settings).
await import("@/lib/runtime/create-app");

afterAll(async () => {
  const { closeCurrentApp } = await import("@/lib/runtime/current-app");
  await closeCurrentApp();
  rmSync(dir, { recursive: true, force: true });
});
