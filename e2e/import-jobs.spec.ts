/**
 * The Migration tab's import jobs in Chromium: start an import from a pasted key list, watch it
 * finish with a failure, read the failure's reason, fix the origin, retry, and see the verdict change.
 */
import { expectNoAxeViolations } from "./axe";
import { expect, test } from "./fixtures";
import { startOriginServer, type RunningOrigin } from "./origin";

let origin: RunningOrigin;
let brokenFixed = false;

test.beforeAll(async () => {
  origin = await startOriginServer((req, res) => {
    if (req.url === "/docs/a.txt" || req.url === "/docs/b.txt") return void res.writeHead(200, { "content-length": 5 }).end("hello");
    if (req.url === "/docs/broken.txt") {
      if (brokenFixed) return void res.writeHead(200, { "content-length": 5 }).end("fixed");
      return void res.writeHead(500).end("origin trouble");
    }
    res.writeHead(404).end();
  });
});
test.afterAll(() => origin.stop());

test("start an import from a pasted list, see it finish with a failure, retry it, and read the verdict", async ({ page, api }, testInfo) => {
  const bucket = await api.createBucket("imports");
  await api.createRule(bucket, { conditionPrefix: "docs", origin: { type: "url", protocol: "http", host: origin.host } });

  await page.goto(`/buckets/${bucket}`);
  await page.getByRole("link", { name: "Migration" }).click();
  await expect(page.getByRole("heading", { name: "Import jobs" })).toBeVisible();
  await expect(page.getByText("No imports yet.")).toBeVisible();

  await page.getByLabel("Keys, one per line").fill("docs/a.txt\ndocs/b.txt\ndocs/broken.txt\n");
  await page.getByLabel("Concurrency").fill("2");
  await page.getByRole("button", { name: "Start import" }).click();

  const job = page.getByRole("article", { name: /Import #\d+/ });
  await expect(job.getByLabel("State: Completed with failures")).toBeVisible();
  await expect(job.getByRole("progressbar")).toHaveAttribute("aria-valuetext", "3 of 3 keys done");
  await expect(job.getByText(/Not ready for cutover: 1 key could not be imported/)).toBeVisible();
  await expect(job.getByRole("definition").nth(0)).toHaveText("2");

  await job.getByText("Failures (1)").click();
  const failures = job.getByRole("table", { name: /that failed/ });
  await expect(failures.getByRole("row", { name: /docs\/broken\.txt .*HTTP 500/ })).toBeVisible();
  await expect(job.getByRole("link", { name: "Download all failures (CSV)" })).toHaveAttribute("href", /failures\?format=csv$/);
  await expectNoAxeViolations(page, testInfo, "migration tab with a finished import");

  brokenFixed = true;
  await job.getByRole("button", { name: "Retry failed" }).click();
  const dialog = page.getByRole("dialog", { name: /Retry the 1 failed key/ });
  await expect(dialog).toBeVisible();
  await dialog.getByRole("button", { name: "Retry failed keys" }).click();

  await expect(job.getByLabel("State: Completed", { exact: true })).toBeVisible();
  await expect(job.getByText(/no longer depends on its origin for these 3 keys/)).toBeVisible();
  await expect(job.getByText(/Failures \(/)).toHaveCount(0);
});
