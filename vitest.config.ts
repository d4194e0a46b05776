import path from "node:path";
import { defineConfig, type TestProjectInlineConfiguration } from "vitest/config";
import { TEST_TIMEOUT_MS } from "./tests/support/timeouts.ts";

const root = path.dirname(new URL(import.meta.url).pathname);

/**
 * The integration suite runs once per configuration: SQLite + object bytes on disk (`integration`,
 * always), and PostgreSQL + object bytes in an S3-compatible store (`integration-postgres`) when both
 * are configured in the environment: a PostgreSQL DATABASE_URL and BLOB_STORE=s3 with BLOB_S3_*
 * (`scripts/with-postgres-and-ceph.sh` starts both and sets them; `npm test` does). Each test file
 * gets a database of its own (tests/support/test-databases.ts) and, on S3, a bucket of its own
 * (tests/support/worker-database.ts).
 */
/**
 * The AWS SDK (the S3 blob store, and the S3 clients of the S3 API's tests) warns once per process on
 * Node 20 that its releases after January 2027 need Node 22 (package.json pins an earlier one): a
 * warning per test file, which buried the suite's own output. The README says so for operators.
 */
const QUIET_SDK = { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" };

function integrationProject(name: string, env: Record<string, string>): TestProjectInlineConfiguration {
  return {
    extends: true,
    test: {
      name,
      include: ["tests/integration/**/*.test.ts"],
      environment: "node",
      globalSetup: ["tests/support/global-setup.ts"],
      setupFiles: ["tests/support/worker-database.ts"],
      env: { ...QUIET_SDK, ...env },
    },
  };
}
const s3StoreConfigured = process.env.BLOB_STORE === "s3" && Boolean(process.env.BLOB_S3_ENDPOINT);
const postgresUrl = /^postgres(ql)?:\/\//.test(process.env.DATABASE_URL ?? "") ? process.env.DATABASE_URL! : null;

export default defineConfig({
  resolve: { alias: { "@": root } },
  test: {
    testTimeout: TEST_TIMEOUT_MS,
    hookTimeout: TEST_TIMEOUT_MS,
    projects: [
      {
        extends: true,
        test: { name: "unit", include: ["lib/**/*.test.ts", "components/**/*.test.ts"], environment: "node", env: QUIET_SDK },
      },
      integrationProject("integration", { BLOB_STORE: "disk", TEST_DATABASE: "sqlite" }),
      // The smallest part S3 allows: the tests' objects (8 MiB at most) then take the multipart path too.
      ...(s3StoreConfigured && postgresUrl
        ? [
            integrationProject("integration-postgres", {
              BLOB_STORE: "s3",
              BLOB_S3_PART_BYTES: String(5 * 1024 * 1024),
              TEST_DATABASE: "postgresql",
              TEST_POSTGRES_URL: postgresUrl,
            }),
          ]
        : []),
    ],
  },
});
