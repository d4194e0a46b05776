import os from "node:os";
import path from "node:path";
import { defineConfig, devices } from "@playwright/test";

const port = 3210;
// A fresh data directory per run: the console starts on an empty, freshly migrated database.
const dataDir = path.join(os.tmpdir(), "bos-mirror-e2e");

export default defineConfig({
  testDir: "e2e",
  fullyParallel: true,
  workers: 2,
  retries: 0,
  forbidOnly: !!process.env.CI,
  reporter: [["list"], ["html", { open: "never", outputFolder: "playwright-report" }]],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    screenshot: "on",
    trace: "retain-on-failure",
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
    command: `rm -rf ${dataDir} && tsx server.ts`,
    url: `http://127.0.0.1:${port}/buckets`,
    // Matches ADMIN in e2e/fixtures.ts.
    env: { PORT: String(port), DATA_DIR: dataDir, NODE_ENV: "production", ADMIN_EMAIL: "e2e-admin@example.com", ADMIN_PASSWORD: "e2e-admin-password-1" },
    reuseExistingServer: false,
    timeout: 120_000,
  },
});
