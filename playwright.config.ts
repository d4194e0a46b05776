import os from "node:os";
import path from "node:path";
import { defineConfig, devices } from "@playwright/test";
import { EXPECT_TIMEOUT_MS, TEST_TIMEOUT_MS } from "./tests/support/timeouts";

// E2E_PORT lets two checkouts (git worktrees) run their suites side by side.
const port = Number(process.env.E2E_PORT ?? 3210);
// A fresh data directory per run: the console starts on an empty, freshly migrated database.
const dataDir = path.join(os.tmpdir(), `bos-mirror-e2e-${port}`);

export default defineConfig({
  testDir: "e2e",
  fullyParallel: true,
  workers: 2,
  retries: 0,
  // Ceilings, not waits: every step waits on a condition (tests/support/timeouts.ts).
  timeout: TEST_TIMEOUT_MS,
  expect: { timeout: EXPECT_TIMEOUT_MS },
  forbidOnly: !!process.env.CI,
  reporter: [["list"], ["html", { open: "never", outputFolder: "playwright-report" }]],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    screenshot: "on",
    trace: "retain-on-failure",
    actionTimeout: EXPECT_TIMEOUT_MS,
    navigationTimeout: EXPECT_TIMEOUT_MS * 2,
  },
  projects: [
    {
      name: "chromium",
      use: {
        ...devices["Desktop Chrome"],
        viewport: { width: 1400, height: 1000 },
        launchOptions: {
          // Debian's Chromium: Playwright's own browser download cannot run on this network.
          executablePath: "/usr/bin/chromium",
          args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync"],
        },
      },
    },
  ],
  webServer: {
    // Its log (JSON lines, and start-up errors) goes to a file kept after the run, next to the data
    // directory: the server's side of a failed spec (a 5xx, a busy database) is read there.
    command: `rm -rf ${dataDir} && tsx server.ts > ${dataDir}-server.log 2>&1`,
    url: `http://127.0.0.1:${port}/buckets`,
    // Matches ADMIN in e2e/fixtures.ts.
    // ORIGIN_ALLOWLIST: specs run their origins on loopback (e2e/origin.ts among them).
    env: {
      PORT: String(port),
      DATA_DIR: dataDir,
      NODE_ENV: "production",
      ADMIN_EMAIL: "e2e-admin@example.com",
      ADMIN_PASSWORD: "e2e-admin-password-1",
      ORIGIN_ALLOWLIST: "127.0.0.1",
    },
    reuseExistingServer: false,
    timeout: 120_000,
  },
});
