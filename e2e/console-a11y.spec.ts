/**
 * Accessibility: an axe-core scan (WCAG 2.2 AA) of every console page and its key dialog states,
 * failing on any violation; screenshots of the main pages at desktop and phone width are attached
 * to the report.
 */
import { test as base } from "@playwright/test";
import { expectNoAxeViolations } from "./axe";
import { ADMIN, expect, test } from "./fixtures";

const PHONE = { width: 390, height: 844 };

base("the sign-in page has no axe violations, empty and with an error", async ({ page }, testInfo) => {
  await page.goto("/sign-in");
  await expect(page.getByRole("button", { name: "Sign in" })).toBeVisible();
  await expectNoAxeViolations(page, testInfo, "sign-in");
  await page.getByLabel("Email").fill(ADMIN.email);
  await page.getByLabel("Password").fill("not the password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "wrong" })).toBeVisible();
  await expectNoAxeViolations(page, testInfo, "sign-in with an error");
});

test("every bucket page and dialog has no axe violations", async ({ page, api }, testInfo) => {
  test.slow();
  const source = await api.createBucket("a11y-src");
  const bucket = await api.createBucket("a11y");
  await api.createRule(bucket, {
    conditionPrefix: "img",
    origin: { type: "url", protocol: "https", host: "cdn.example.com" },
    backupOrigin: { type: "url", protocol: "https", host: "backup.example.com" },
    prefixRewrite: { action: "replace", with: "files" },
    addressSuffix: ".webp",
  });
  const { id: second } = await api.createRule(bucket, { conditionPrefix: "docs", origin: { type: "bucket", bucket: source } });
  await api.setRuleEnabled(bucket, second, false);

  await page.goto("/buckets");
  await expect(page.getByRole("table", { name: "Buckets" })).toBeVisible();
  await expectNoAxeViolations(page, testInfo, "bucket list");
  await page.getByRole("button", { name: "Create bucket" }).click();
  await expect(page.getByText("3–63 lowercase letters")).toBeVisible();
  await expectNoAxeViolations(page, testInfo, "bucket list, create form with an error");

  await page.goto(`/buckets/${bucket}`);
  await expect(page.getByLabel("Access (ACL)")).toBeVisible();
  await expectNoAxeViolations(page, testInfo, "bucket overview");
  await page.getByLabel("Access (ACL)").selectOption("public-read");
  await expect(page.getByRole("dialog", { name: `Make ${bucket} public?` })).toBeVisible();
  await expectNoAxeViolations(page, testInfo, "make-public dialog");
  await page.getByRole("dialog").getByRole("button", { name: "Cancel" }).click();
  // Another bucket's rule reads the source, so its Delete is disabled with the reason: open the dialog on a spare bucket.
  await page.goto(`/buckets/${source}`);
  await expect(page.getByRole("button", { name: "Delete bucket" })).toBeDisabled();
  await expectNoAxeViolations(page, testInfo, "bucket overview, delete refused with the reading rule linked");
  const spare = await api.createBucket("a11y-spare");
  await page.goto(`/buckets/${spare}`);
  await page.getByRole("button", { name: "Delete bucket" }).click();
  await expect(page.getByRole("dialog", { name: `Delete bucket ${spare}?` })).toBeVisible();
  await expectNoAxeViolations(page, testInfo, "delete-bucket dialog");
  await page.getByRole("dialog").getByRole("button", { name: "Cancel" }).click();

  await page.goto(`/buckets/${bucket}/configuration`);
  await expect(page.getByRole("table", { name: "Mirror back-to-origin rules" })).toBeVisible();
  await page.getByLabel("Test a key").fill("img/cat.jpg");
  await expect(page.getByTestId("test-key-result")).toContainText("Fetches from");
  await expectNoAxeViolations(page, testInfo, "rules list with Test a key");
  await page.getByRole("button", { name: "Delete rule #1" }).click();
  await expect(page.getByRole("dialog", { name: "Delete this mirror rule?" })).toBeVisible();
  await expectNoAxeViolations(page, testInfo, "delete-rule dialog");
  await page.getByRole("dialog").getByRole("button", { name: "Cancel" }).click();
  await page.getByRole("button", { name: "Import BOS JSON" }).click();
  const importDialog = page.getByRole("dialog", { name: "Import rules from BOS JSON" });
  await importDialog.getByLabel("Or paste it here").fill(JSON.stringify({ bucketMirroringConfiguration: [{ resource: "new*", sourceUrl: "https://www.myweb.com" }] }));
  await expect(importDialog.getByText("Imported (1)")).toBeVisible();
  await expectNoAxeViolations(page, testInfo, "import dialog with its preview");
  await importDialog.getByRole("button", { name: "Cancel" }).click();

  await page.goto(`/buckets/${bucket}/configuration/mirroring/1`);
  await expect(page.getByRole("heading", { name: "Mirror rule #1" })).toBeVisible();
  await expectNoAxeViolations(page, testInfo, "rule details");

  await page.goto(`/buckets/${bucket}/configuration/mirroring/new`);
  await expect(page.getByRole("heading", { name: "Add mirror back-to-origin configuration" })).toBeVisible();
  await expectNoAxeViolations(page, testInfo, "new rule form");
  await page.getByLabel("Origin domain", { exact: true }).fill("http://http://www.example.com/x");
  await page.getByRole("button", { name: "Confirm" }).click();
  await expect(page.getByText("Please correct").or(page.getByText("Not valid yet"))).toBeVisible();
  await expectNoAxeViolations(page, testInfo, "new rule form with errors and marked preview");
  await page.getByRole("button", { name: "Cancel" }).click();
  await expect(page.getByRole("dialog", { name: "Discard your changes?" })).toBeVisible();
  await expectNoAxeViolations(page, testInfo, "discard dialog");
  await page.getByRole("dialog").getByRole("button", { name: "Discard changes" }).click();
  await expect(page).toHaveURL(new RegExp(`/buckets/${bucket}/configuration$`));

  await page.goto(`/buckets/${bucket}/configuration/mirroring/1/edit`);
  await expect(page.getByRole("heading", { name: "Edit mirror rule #1" })).toBeVisible();
  await page.getByRole("radio", { name: /^Private bucket of this deployment/ }).first().check();
  await expectNoAxeViolations(page, testInfo, "edit form with a bucket origin");

  await page.goto(`/buckets/${bucket}/audit`);
  await page.getByText("Before and after").first().click();
  await expectNoAxeViolations(page, testInfo, "audit log with details open");

  await page.goto("/buckets/no-such-bucket-a11y");
  await expect(page.getByRole("heading", { name: "No such bucket" })).toBeVisible();
  await expectNoAxeViolations(page, testInfo, "unknown bucket");
});

test("pages other branches added have no axe violations: the Objects and Migration tabs", async ({ page, api }, testInfo) => {
  const bucket = await api.createBucket("a11y-objects");
  await api.createRule(bucket, { conditionPrefix: "img" });
  await page.goto(`/buckets/${bucket}/objects`);
  await expect(page.getByRole("link", { name: "Objects", exact: true })).toHaveAttribute("aria-current", "page");
  await expect(page.getByText(/^Loading .*…$/)).toHaveCount(0);
  await expectNoAxeViolations(page, testInfo, "objects tab (empty bucket)");
  await page.setViewportSize(PHONE);
  await expectNoAxeViolations(page, testInfo, "objects tab at 390 px");
  await page.setViewportSize({ width: 1400, height: 1000 });
  await page.goto(`/buckets/${bucket}/migration`);
  await expect(page.getByRole("link", { name: "Migration", exact: true })).toHaveAttribute("aria-current", "page");
  await expect(page.getByText(/^Loading .*…$/)).toHaveCount(0);
  await expectNoAxeViolations(page, testInfo, "migration tab");
});

test("the access-key page has no axe violations, with a new key and the delete dialog", async ({ page }, testInfo) => {
  await page.goto("/access-keys");
  await expect(page.getByRole("table", { name: "Access keys", exact: true })).toBeVisible();
  await expectNoAxeViolations(page, testInfo, "access keys");
  await page.getByLabel("Description of the new key").fill("a11y key");
  await page.getByRole("button", { name: "Create access key" }).click();
  await expect(page.getByLabel("Secret key")).toBeVisible();
  await expectNoAxeViolations(page, testInfo, "access keys with a new secret shown");
  const row = page.getByRole("table", { name: "Access keys", exact: true }).getByRole("row").filter({ hasText: "a11y key" });
  await row.getByRole("button", { name: /^Delete access key/ }).click();
  await expect(page.getByRole("dialog", { name: "Delete this access key?" })).toBeVisible();
  await expectNoAxeViolations(page, testInfo, "delete access key dialog");
  await page.getByRole("dialog").getByRole("button", { name: "Delete key" }).click();
});

for (const [width, viewport] of [
  ["desktop", { width: 1400, height: 1000 }],
  ["phone", PHONE],
] as const) {
  test(`screenshots of the main pages at ${width} width`, async ({ page, api }, testInfo) => {
    test.slow();
    await page.setViewportSize(viewport);
    const bucket = await api.createBucket("shots");
    await api.createRule(bucket, {
      conditionPrefix: "images/2026",
      origin: { type: "url", protocol: "https", host: "static.an-origin-with-a-long-name.example.com" },
      prefixRewrite: { action: "replace", with: "assets/photos" },
      addressSuffix: ".webp",
    });
    const shots: [string, string, string][] = [
      ["bucket list", "/buckets", "Buckets"],
      ["bucket overview", `/buckets/${bucket}`, bucket],
      ["objects", `/buckets/${bucket}/objects`, bucket],
      ["migration", `/buckets/${bucket}/migration`, bucket],
      ["rules", `/buckets/${bucket}/configuration`, "Mirror back-to-origin"],
      ["rule form", `/buckets/${bucket}/configuration/mirroring/1/edit`, "Edit mirror rule #1"],
      ["audit log", `/buckets/${bucket}/audit`, "Audit log"],
      ["access keys", "/access-keys", "Access keys"],
    ];
    for (const [name, path, heading] of shots) {
      await page.goto(path);
      await expect(page.getByRole("heading", { name: heading, exact: true }).first()).toBeVisible();
      await expect(page.getByText(/^Loading .*…$/)).toHaveCount(0);
      // No page scrolls sideways: wide content scrolls inside its own box.
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow, `${name} scrolls sideways by ${overflow}px at ${viewport.width}px`).toBeLessThanOrEqual(0);
      await testInfo.attach(`${name} (${width})`, { body: await page.screenshot({ fullPage: true }), contentType: "image/png" });
    }
  });
}
