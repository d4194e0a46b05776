/**
 * The Migration tab: real pulls (a bucket origin, read locally) and a real failure (an origin host
 * that does not resolve) show as charts, as the same figures in a table, and as recent failures
 * with their reason and origin URL; the rules list counts beside each rule.
 */
import { expectNoAxeViolations } from "./axe";
import { expect, test } from "./fixtures";

const SAME_ORIGIN = { origin: `http://127.0.0.1:${process.env.E2E_PORT ?? 3210}` };

test("the Migration tab charts pulls, bytes and failures, and lists the failures", async ({ page, api }) => {
  const request = page.context().request;
  const source = await api.createBucket("activity-src");
  for (const name of ["a1.txt", "a2.txt"]) {
    const uploaded = await request.put(`/api/buckets/${source}/objects/content?key=${name}`, { data: `bytes of ${name}`, headers: SAME_ORIGIN });
    expect(uploaded.status(), await uploaded.text()).toBeLessThan(300);
  }
  const bucket = await api.createBucket("activity");
  const pulls = await api.createRule(bucket, { conditionPrefix: "a", origin: { type: "bucket", bucket: source } });
  await api.createRule(bucket, { conditionPrefix: "b", origin: { type: "url", protocol: "http", host: "unresolvable.invalid" } });
  expect((await request.patch(`/api/buckets/${bucket}`, { data: { acl: "public-read" }, headers: SAME_ORIGIN })).status()).toBe(200);
  // Anonymous GETs of a public-read bucket: two pulls, one key the origin does not have, one failure.
  expect((await request.get(`/v1/${bucket}/a1.txt`)).status()).toBe(200);
  expect((await request.get(`/v1/${bucket}/a2.txt`)).status()).toBe(200);
  expect((await request.get(`/v1/${bucket}/a-missing.txt`)).status()).toBe(404);
  expect((await request.get(`/v1/${bucket}/b1.txt`)).status()).toBe(424);

  await page.goto(`/buckets/${bucket}`);
  await page.getByRole("link", { name: "Migration" }).click();
  await expect(page).toHaveURL(`/buckets/${bucket}/migration`);
  await expect(page.getByText(/In the last 24 hours: 2 objects pulled/)).toBeVisible();

  for (const title of ["Objects pulled", "Bytes pulled", "Failures and misses"]) {
    const chart = page.getByRole("img", { name: new RegExp(`^${title}:`) });
    await expect(chart).toBeVisible();
    // recharts drew the series: bars or an area, as SVG paths inside the chart.
    await expect(chart.locator("svg path").first()).toBeAttached();
  }
  await expect(page.getByRole("img", { name: /^Objects pulled: 2 pulled in the last 24 hours/ })).toBeVisible();

  await page.getByText("Show the figures as a table").click();
  const table = page.getByRole("table", { name: /Back-to-origin activity per hour/ });
  await expect(table.getByRole("row")).toHaveCount(2);
  await expect(table.getByRole("row").nth(1)).toContainText("2");

  const failures = page.getByRole("table", { name: /Recent back-to-origin events \(Failures\)/ });
  await expect(failures.getByRole("row")).toHaveCount(2);
  await expect(failures).toContainText("b1.txt");
  await expect(failures).toContainText("http://unresolvable.invalid/b1.txt");
  await page.getByRole("button", { name: "Missing at origin" }).click();
  await expect(page.getByRole("table", { name: /Missing at origin/ })).toContainText("a-missing.txt");
  await expectNoAxeViolations(page, test.info(), "Migration tab with activity");
  await test.info().attach("migration-tab", { body: await page.screenshot({ fullPage: true }), contentType: "image/png" });

  await page.getByRole("link", { name: "Configuration Management" }).click();
  const rules = page.getByRole("table", { name: "Mirror back-to-origin rules" });
  await expect(rules.getByRole("row").filter({ hasText: `#${pulls.id}` })).toContainText("2 pulled");
  await expect(rules.getByRole("row").filter({ hasText: `#${pulls.id}` })).toContainText("1 missing");
});

test("a bucket with no pulls yet says so on its Migration tab", async ({ page, api }) => {
  const bucket = await api.createBucket("quiet");
  await page.goto(`/buckets/${bucket}/migration`);
  await expect(page.getByText("No back-to-origin activity in the last 24 hours.")).toBeVisible();
  await expect(page.getByText("No failures recorded: every origin that was asked answered.")).toBeVisible();
  await expect(page.getByRole("img")).toHaveCount(0);
  await expectNoAxeViolations(page, test.info(), "Migration tab, empty");
});
