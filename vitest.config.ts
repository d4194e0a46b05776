import path from "node:path";
import { defineConfig, type TestProjectInlineConfiguration } from "vitest/config";
import { TEST_TIMEOUT_MS } from "./tests/support/timeouts.ts";

const root = path.dirname(new URL(import.meta.url).pathname);

/**
 * The integration suite runs once per configuration: object bytes on disk (always), and object
 * bytes in an S3-compatible store when one is configured in the environment (`eval "$(bash
 * scripts/start-ceph.sh)"` sets BLOB_STORE=s3 and BLOB_S3_*; `.ci/run` does). Each test file then gets
 * a bucket of its own there (tests/support/worker-database.ts).
 */
function integrationProject(name: string, env: Record<string, string>): TestProjectInlineConfiguration {
  return {
    extends: true,
    test: {
      name,
      include: ["tests/integration/**/*.test.ts"],
      environment: "node",
      globalSetup: ["tests/support/global-setup.ts"],
      setupFiles: ["tests/support/worker-database.ts"],
      env,
    },
  };
}
const s3StoreConfigured = process.env.BLOB_STORE === "s3" && Boolean(process.env.BLOB_S3_ENDPOINT);

export default defineConfig({
  resolve: { alias: { "@": root } },
  test: {
    testTimeout: TEST_TIMEOUT_MS,
    hookTimeout: TEST_TIMEOUT_MS,
    projects: [
      {
        extends: true,
        test: { name: "unit", include: ["lib/**/*.test.ts", "components/**/*.test.ts"], environment: "node" },
      },
      integrationProject("integration", { BLOB_STORE: "disk" }),
      // The smallest part S3 allows: the tests' objects (8 MiB at most) then take the multipart path too.
      ...(s3StoreConfigured ? [integrationProject("integration-s3", { BLOB_STORE: "s3", BLOB_S3_PART_BYTES: String(5 * 1024 * 1024) })] : []),
    ],
  },
});
