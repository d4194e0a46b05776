/**
 * The console's rule tools and the defects a new user tripped over, as regression checks:
 * keyboard-only rule creation and focus, enable/disable, BOS JSON export and import, Test a key
 * for a stored key, Check the origin now against a real origin, the preview's invalid marks and
 * host fix, the bucket-origin wording and the public-reads-private warning, the duplicate-name
 * error shown once, focus kept inside dialogs, and the main flows on a 390 px phone.
 */
import { readFile } from "node:fs/promises";
import type { Locator, Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { startOrigin } from "./origin";
import { RuleFormPage } from "./rule-form-page";

const PHONE = { width: 390, height: 844 };

/** Presses Tab until `target` has the focus (keyboard only), failing after `limit` presses. */
async function tabTo(page: Page, target: Locator, limit = 80): Promise<void> {
  for (let i = 0; i < limit; i++) {
    if (await target.evaluate((element) => element === document.activeElement)) return;
    await page.keyboard.press("Tab");
  }
  throw new Error(`Tab never reached ${target}`);
}

test("creates a rule with the keyboard only; focus lands on each new view's heading", async ({ page, api }) => {
  const bucket = await api.createBucket("keyboard");
  await page.goto(`/buckets/${bucket}/configuration`);
  await tabTo(page, page.getByRole("link", { name: "Add configuration" }));
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { name: "Add mirror back-to-origin configuration" })).toBeFocused();

  await tabTo(page, page.getByRole("radio", { name: /^Mirror/ }));
  await page.keyboard.press("ArrowDown");
  await expect(page.getByRole("radio", { name: /^Redirection/ })).toBeChecked();
  await page.keyboard.press("ArrowUp");
  await tabTo(page, page.getByLabel("Filename prefix"));
  await page.keyboard.type("kbd");
  await tabTo(page, page.getByLabel("Origin domain", { exact: true }));
  await page.keyboard.type("www.myweb.com");
  await tabTo(page, page.getByRole("button", { name: "Confirm" }));
  await page.keyboard.press("Enter");

  await expect(page).toHaveURL(new RegExp(`/buckets/${bucket}/configuration$`));
  await expect(page.getByRole("heading", { name: "Mirror back-to-origin" })).toBeFocused();
  await expect(page.getByRole("status").filter({ hasText: 'Rule #1 (prefix "kbd") added.' })).toBeVisible();
});

test("rules are numbered per bucket: a new bucket's first rule is #1 in the list, form, toasts and audit log", async ({ page, api }) => {
  const other = await api.createBucket("numbers-other");
  await api.createRule(other, { conditionPrefix: "a" });
  await api.createRule(other, { conditionPrefix: "b" });
  const bucket = await api.createBucket("numbers");
  const form = new RuleFormPage(page);
  await form.openNew(bucket);
  await form.field("Origin domain").fill("www.myweb.com");
  await form.confirm();
  await expect(page.getByRole("status").filter({ hasText: "Rule #1 (every key) added." })).toBeVisible();
  await expect(page.getByRole("cell", { name: "#1", exact: true })).toBeVisible();
  await page.getByRole("link", { name: "Edit rule #1" }).click();
  await expect(page.getByRole("heading", { name: "Edit mirror rule #1" })).toBeVisible();
  await page.goto(`/buckets/${bucket}/audit`);
  await expect(page.getByRole("table", { name: `Changes to ${bucket}, newest first` }).getByRole("row").nth(1)).toContainText("Rule #1 added");
});

test("disables and enables a rule: it keeps its place, is shown as disabled, and enabling checks conflicts again", async ({ page, api }) => {
  const bucket = await api.createBucket("toggle");
  await api.createRule(bucket, { conditionPrefix: "docs" });
  await api.createRule(bucket, { conditionPrefix: "img" });
  await page.goto(`/buckets/${bucket}/configuration`);
  await page.getByRole("button", { name: "Disable rule #1" }).click();
  await expect(page.getByRole("status").filter({ hasText: 'Rule #1 (prefix "docs") disabled.' })).toBeVisible();
  const rows = page.getByRole("table", { name: "Mirror back-to-origin rules" }).getByRole("row");
  await expect(rows.nth(1)).toContainText("#1Disabled");
  await expect(rows.nth(2)).toContainText("#2");

  await page.getByLabel("Test a key").fill("docs/a.txt");
  await expect(page.getByTestId("test-key-result")).toContainText('Only Rule #1 (prefix "docs") matches “docs/a.txt”, and it is disabled');

  await api.createRule(bucket, { conditionPrefix: "doc" });
  await page.reload();
  await page.getByRole("button", { name: "Enable rule #1" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "Rule #1" })).toContainText('overlaps Rule #3 (prefix "doc")');
  await expect(rows.nth(1)).toContainText("Disabled");
  await page.getByRole("button", { name: "Delete rule #3" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Delete rule" }).click();
  await page.getByRole("button", { name: "Enable rule #1" }).click();
  await expect(page.getByRole("status").filter({ hasText: 'Rule #1 (prefix "docs") enabled.' })).toBeVisible();
  await expect(page.getByRole("button", { name: "Disable rule #1" })).toBeVisible();
});

test("exports the rules in force as BOS JSON and imports a configuration after previewing what it replaces", async ({ page, api }) => {
  const bucket = await api.createBucket("bosjson");
  await api.createRule(bucket, { conditionPrefix: "keep", origin: { type: "url", protocol: "https", host: "cdn.example.com" } });
  const { id } = await api.createRule(bucket, { conditionPrefix: "off" });
  await api.setRuleEnabled(bucket, id, false);
  await page.goto(`/buckets/${bucket}/configuration`);

  const download = page.waitForEvent("download");
  await page.getByRole("button", { name: "Export BOS JSON" }).click();
  const file = await download;
  expect(file.suggestedFilename()).toBe(`${bucket}-mirroring.json`);
  const exported = JSON.parse(await readFile((await file.path())!, "utf8"));
  expect(exported.bucketMirroringConfiguration).toEqual([expect.objectContaining({ resource: "keep*", sourceUrl: "https://cdn.example.com" })]);
  await expect(page.getByRole("status").filter({ hasText: "1 disabled rule left out" })).toBeVisible();

  await page.getByRole("button", { name: "Import BOS JSON" }).click();
  const dialog = page.getByRole("dialog", { name: "Import rules from BOS JSON" });
  const text = dialog.getByLabel("Or paste it here");
  await text.fill("{ not json");
  await expect(dialog).toContainText("This is not valid JSON");
  await expect(dialog.getByRole("button", { name: "Replace the rules" })).toBeDisabled();
  await text.fill(JSON.stringify({ bucketMirroringConfiguration: [{ resource: "a*", sourceUrl: "http://x.example.com" }, { resource: "ab*", sourceUrl: "http://x.example.com" }] }));
  await expect(dialog).toContainText("Rule 2 (prefix \"ab\") overlaps rule 1");
  await text.fill(JSON.stringify({ bucketMirroringConfiguration: [{ resource: "new*", sourceUrl: "https://new.example.com", mode: "redirect" }] }));
  await expect(dialog.getByText("Removed (2)")).toBeVisible();
  await expect(dialog).toContainText('Rule #2 (prefix "off") (disabled)');
  await expect(dialog).toContainText('Redirection, prefix "new", from https://new.example.com');
  await dialog.getByRole("button", { name: "Replace the rules" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Imported 1 rule into" })).toContainText("numbered from #3");
  await expect(page.getByRole("cell", { name: 'Prefix "new" (on 404)' })).toBeVisible();
  await expect(page.getByRole("cell", { name: 'Prefix "keep" (on 404)' })).toHaveCount(0);
});

test("Test a key says a stored key is served from the bucket; Check the origin now asks the real origin", async ({ page, api, request }) => {
  const origin = await startOrigin({ "/files/cat.jpg": { body: "0123456789", type: "image/jpeg" } });
  try {
    const bucket = await api.createBucket("stored");
    await api.createRule(bucket, { conditionPrefix: "img", origin: { type: "url", protocol: "http", host: origin.host }, prefixRewrite: { action: "replace", with: "files" } });
    // A public bucket: an anonymous GET mirrors the object, which stores it.
    await api.setAcl(bucket, "public-read");
    expect((await request.get(`/v1/${bucket}/img/cat.jpg`)).status()).toBe(200);

    await page.goto(`/buckets/${bucket}/configuration`);
    await page.getByLabel("Test a key").fill("img/cat.jpg");
    const result = page.getByTestId("test-key-result");
    await expect(result).toContainText("This key is stored in the bucket (10 bytes, image/jpeg");
    await expect(result).toContainText("back-to-origin does not run");
    await page.getByLabel("Test a key").fill("img/dog.jpg");
    await expect(result).not.toContainText("stored in the bucket");
    await result.getByRole("button", { name: "Check the origin now" }).click();
    const answer = page.getByRole("group", { name: "Origin check result" });
    await expect(answer).toBeFocused();
    await expect(answer).toContainText("Not found (HTTP 404)");

    await page.goto(`/buckets/${bucket}/configuration/mirroring/1/edit`);
    const form = new RuleFormPage(page);
    await form.setSample("img/cat.jpg");
    await page.getByRole("complementary", { name: "Preview" }).getByRole("button", { name: "Check the origin now" }).click();
    await expect(answer).toContainText("Found (HTTP 206)");
    await expect(answer).toContainText("10 bytes · image/jpeg");
  } finally {
    await origin.stop();
  }
});

test("the preview marks a pasted URL and a forbidden header, and takes the host out of the URL", async ({ page, api }) => {
  const bucket = await api.createBucket("pasted");
  const form = new RuleFormPage(page);
  await form.openNew(bucket);
  await form.field("Origin domain").fill("https://www.example.com/some/path");
  const preview = page.getByRole("complementary", { name: "Preview" });
  await expect(preview.getByRole("group", { name: "Not valid yet" })).toBeVisible();
  await expect(form.preview("Back-to-origin address")).toHaveText("http://{domain}/myobject.docx");
  await preview.getByRole("button", { name: "Use HTTPS and the host www.example.com" }).click();
  await expect(form.field("Origin domain")).toHaveValue("www.example.com");
  await expect(form.field("Origin protocol")).toHaveValue("https");
  await expect(form.preview("Back-to-origin address")).toHaveText("https://www.example.com/myobject.docx");

  await page.getByRole("button", { name: "Add a header" }).click();
  await form.field("Header 1 name").fill("Host");
  await form.field("Header 1 value").fill("evil.example.com");
  await expect(preview.getByRole("group", { name: "Not valid yet" })).toContainText("Host is managed by the service");
  await expect(form.preview("Headers")).toHaveText("No request headers.");
});

test("a bucket origin says it is read directly; a public bucket reading a private one is warned about", async ({ page, api }) => {
  const privateSource = await api.createBucket("private-src");
  const bucket = await api.createBucket("public-reader");
  await api.setAcl(bucket, "public-read");
  const form = new RuleFormPage(page);
  await form.openNew(bucket);
  await form.radio("Private bucket of this deployment").check();
  await form.field("Origin bucket").selectOption(privateSource);
  await expect(page.getByText(`Read directly from bucket ${privateSource} of this deployment: no HTTP request is made`)).toBeVisible();
  await expect(page.getByText("Buckets are read over HTTP only")).toHaveCount(0);
  await expect(page.getByRole("note")).toContainText(`anyone can read ${privateSource}'s objects through this rule`);
});

test("a duplicate bucket name is reported once, at the field", async ({ page, api }) => {
  const bucket = await api.createBucket("dupe");
  await page.goto("/buckets");
  await page.getByLabel("Bucket name").fill(bucket);
  await page.getByRole("button", { name: "Create bucket" }).click();
  await expect(page.getByText(`A bucket named ${bucket} already exists.`)).toHaveCount(1);
});

test("focus stays inside an open dialog", async ({ page, api }) => {
  const bucket = await api.createBucket("trap");
  await api.createRule(bucket, { conditionPrefix: "x" });
  await page.goto(`/buckets/${bucket}/configuration`);
  await page.getByRole("button", { name: "Delete rule #1" }).click();
  const dialog = page.getByRole("dialog", { name: "Delete this mirror rule?" });
  await expect(dialog.getByRole("button", { name: "Cancel" })).toBeFocused();
  // Forwards and backwards, past both ends: never the page behind, the body or the browser's toolbar.
  for (const key of ["Tab", "Tab", "Tab", "Tab", "Shift+Tab", "Shift+Tab", "Shift+Tab", "Shift+Tab", "Shift+Tab"]) {
    await page.keyboard.press(key);
    const inside = await dialog.evaluate((element) => element !== document.activeElement && element.contains(document.activeElement));
    expect(inside, `${key} left the dialog`).toBe(true);
  }
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
});

test.describe("on a 390 px phone", () => {
  test.use({ viewport: PHONE });

  test("creates a bucket and a rule with the preview in reach, and reads the rules and audit log without sideways page scrolling", async ({ page, api }) => {
    test.slow();
    await page.goto("/buckets");
    const bucket = api.uniqueName("phone");
    api.track(bucket);
    await page.getByLabel("Bucket name").fill(bucket);
    await page.getByRole("button", { name: "Create bucket" }).click();
    await expect(page).toHaveURL(new RegExp(`/buckets/${bucket}/configuration$`));
    await page.getByRole("link", { name: "Add configuration" }).click();

    const form = new RuleFormPage(page);
    await form.field("Filename prefix").fill("images/2026");
    await form.field("Origin domain").fill("static.an-origin-with-a-long-name.example.com");
    // The computed address stays on screen while typing, with a link to the whole preview.
    const peek = page.getByRole("group", { name: "Preview summary" });
    await expect(peek).toContainText("http://static.an-origin-with-a-long-name.example.com/images/2026/myobject.docx");
    await expect(peek).toBeInViewport();
    await page.getByRole("link", { name: "Full preview" }).click();
    await expect(page.getByRole("heading", { name: "Preview" })).toBeInViewport();
    await form.confirm();
    await form.expectSavedTo(bucket);

    for (const path of [`/buckets/${bucket}/configuration`, `/buckets/${bucket}/audit`, "/buckets", "/access-keys", `/buckets/${bucket}`]) {
      await page.goto(path);
      await expect(page.getByRole("main")).toBeVisible();
      await expect(page.getByText(/^Loading .*…$/)).toHaveCount(0);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow, `${path} scrolls sideways by ${overflow}px`).toBeLessThanOrEqual(0);
    }
    await page.goto(`/buckets/${bucket}/configuration`);
    await page.getByLabel("Test a key").fill("images/2026/a.jpg");
    await expect(page.getByTestId("test-key-result")).toContainText("Fetches from");
    await expect(page.getByRole("button", { name: "Check the origin now" })).toBeVisible();
  });
});
