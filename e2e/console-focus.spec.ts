/**
 * Where the focus goes and what stays on screen, as a keyboard user meets it: leaving a rule form
 * with unsaved edits by any way out, notices that take the focus an action left nowhere and stay
 * while they matter, the heading after navigating, a new secret key, the phone's preview bar not
 * hiding the field being typed in, and an origin check's failure naming its request id.
 */
import type { Page } from "@playwright/test";
import { BASE_URL, expect, test } from "./fixtures";
import { E2E_ORIGIN_ADDRESS, startOriginServer } from "./origin";

const PHONE = { width: 390, height: 844 };

/** The element with the focus, described for a failure message: "BODY", or its tag and text. */
const focused = (page: Page) =>
  page.evaluate(() => {
    const active = document.activeElement;
    return !active || active === document.body ? "BODY" : `${active.tagName} ${(active.textContent ?? "").trim().slice(0, 60)}`;
  });

test.describe("a rule form with unsaved edits", () => {
  test("asks before a tab, a breadcrumb or the header's link leaves it, and keeps the edits when told to stay", async ({ page, api }) => {
    const bucket = await api.createBucket("leave");
    await page.goto(`/buckets/${bucket}/configuration/mirroring/new`);
    await page.getByLabel("Filename prefix").fill("kept");
    const discard = page.getByRole("dialog", { name: "Discard your changes?" });

    for (const link of [
      page.getByRole("link", { name: "Objects", exact: true }),
      page.getByRole("navigation", { name: "Breadcrumb" }).getByRole("link", { name: "Buckets" }),
      page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Access keys" }),
    ]) {
      await link.click();
      await expect(discard).toBeVisible();
      await discard.getByRole("button", { name: "Cancel" }).click();
      await expect(discard).toBeHidden();
      await expect(page).toHaveURL(new RegExp(`/buckets/${bucket}/configuration/mirroring/new$`));
      await expect(page.getByLabel("Filename prefix")).toHaveValue("kept");
    }

    await page.getByRole("link", { name: "Objects", exact: true }).click();
    await discard.getByRole("button", { name: "Discard changes" }).click();
    await expect(page).toHaveURL(new RegExp(`/buckets/${bucket}/objects$`));
  });

  test("asks before the browser's Back leaves it, and Back after leaving returns to the form once", async ({ page, api }) => {
    const bucket = await api.createBucket("back");
    await page.goto(`/buckets/${bucket}/configuration`);
    await page.getByRole("link", { name: "Add configuration" }).click();
    await expect(page.getByRole("heading", { name: "Add mirror back-to-origin configuration" })).toBeVisible();
    await page.getByLabel("Filename prefix").fill("kept");

    await page.goBack();
    const discard = page.getByRole("dialog", { name: "Discard your changes?" });
    await expect(discard).toBeVisible();
    await expect(page).toHaveURL(new RegExp(`/mirroring/new$`));
    await discard.getByRole("button", { name: "Cancel" }).click();
    await expect(page.getByLabel("Filename prefix")).toHaveValue("kept");

    // Asked again on a second Back, and this time left.
    await page.goBack();
    await expect(discard).toBeVisible();
    await discard.getByRole("button", { name: "Discard changes" }).click();
    await expect(page).toHaveURL(new RegExp(`/buckets/${bucket}/configuration$`));
    await expect(page.getByRole("heading", { name: "Mirror back-to-origin" })).toBeVisible();

    // A form with no edits leaves at once, by Back as by a link.
    await page.getByRole("link", { name: "Add configuration" }).click();
    await expect(page.getByRole("heading", { name: "Add mirror back-to-origin configuration" })).toBeVisible();
    await page.goBack();
    await expect(page).toHaveURL(new RegExp(`/buckets/${bucket}/configuration$`));
    await expect(discard).toBeHidden();
  });

  test("saving leaves without asking, and Back from the rules returns to the form once", async ({ page, api }) => {
    const bucket = await api.createBucket("saved");
    await page.goto(`/buckets/${bucket}/configuration`);
    await page.getByRole("link", { name: "Add configuration" }).click();
    await page.getByLabel("Filename prefix").fill("saved");
    await page.getByLabel("Origin domain", { exact: true }).fill("www.myweb.com");
    await page.getByRole("button", { name: "Confirm" }).click();
    await expect(page).toHaveURL(new RegExp(`/buckets/${bucket}/configuration$`));
    await expect(page.getByRole("dialog", { name: "Discard your changes?" })).toBeHidden();
    await page.goBack();
    await expect(page).toHaveURL(new RegExp(`/mirroring/new$`));
    await page.goBack();
    await expect(page).toHaveURL(new RegExp(`/buckets/${bucket}/configuration$`));
  });
});

test("a notice takes the focus an action left nowhere; a failure stays until dismissed, then the view's heading has the focus", async ({ page, api }) => {
  const bucket = await api.createBucket("notice");
  await api.createRule(bucket, { conditionPrefix: "docs" });
  await api.createRule(bucket, { conditionPrefix: "img" });
  await page.clock.install();
  await page.goto(`/buckets/${bucket}/configuration`);

  // The Disable button is disabled while saving, which drops the focus: the result takes it.
  await page.getByRole("button", { name: "Disable rule #1" }).click();
  const done = page.getByRole("status").filter({ hasText: 'Rule #1 (prefix "docs") disabled.' });
  await expect(done).toBeFocused();

  // A refusal says what to do: no timer takes it away.
  await api.createRule(bucket, { conditionPrefix: "doc" });
  await page.reload();
  await page.getByRole("button", { name: "Enable rule #1" }).click();
  const refusal = page.getByRole("alert").filter({ hasText: "Rule #1" });
  await expect(refusal).toContainText('overlaps Rule #3 (prefix "doc")');
  await page.clock.fastForward(60_000);
  await expect(refusal).toBeVisible();
  await expect(refusal).toBeFocused();
  await refusal.getByRole("button", { name: "Dismiss notice" }).click();
  await expect(refusal).toBeHidden();
  await expect(page.getByRole("heading", { name: "Mirror back-to-origin" })).toBeFocused();

  // Deleting a rule removes the button that opened the dialog: the result takes the focus.
  await page.getByRole("button", { name: "Delete rule #3" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Delete rule" }).click();
  await expect(page.getByRole("status").filter({ hasText: "deleted" })).toBeFocused();
});

test("a success notice goes after a while, but not while the pointer is on it", async ({ page, api }) => {
  const bucket = await api.createBucket("fades");
  await api.createRule(bucket, { conditionPrefix: "docs" });
  await page.clock.install();
  await page.goto(`/buckets/${bucket}/configuration`);
  await page.getByRole("button", { name: "Disable rule #1" }).click();
  const done = page.getByRole("status").filter({ hasText: "disabled." });
  await done.hover();
  // Focus elsewhere, pointer on it: it stays.
  await page.getByLabel("Test a key").focus();
  await page.clock.fastForward(30_000);
  await expect(done).toBeVisible();
  await page.mouse.move(0, 0);
  await page.clock.fastForward(30_000);
  await expect(done).toBeHidden();
  await expect(page.getByLabel("Test a key")).toBeFocused();
});

test("after navigating, the new page's heading has the focus the old page's link took with it", async ({ page, api }) => {
  const bucket = await api.createBucket("crumb");
  await page.goto(`/buckets/${bucket}`);
  await page.getByRole("navigation", { name: "Breadcrumb" }).getByRole("link", { name: "Buckets" }).click();
  await expect(page).toHaveURL(/\/buckets$/);
  await expect(page.getByRole("heading", { level: 1, name: "Buckets" }), await focused(page)).toBeFocused();

  // A tab that stays on screen keeps the focus.
  await page.goto(`/buckets/${bucket}`);
  const objects = page.getByRole("link", { name: "Objects", exact: true });
  await objects.click();
  await expect(page).toHaveURL(new RegExp(`/buckets/${bucket}/objects$`));
  await expect(objects).toBeFocused();
});

test("a new access key's one-time secret takes the focus, and putting it away returns to the form", async ({ page }) => {
  await page.goto("/access-keys");
  await page.getByLabel("Description of the new key").fill("focus key");
  await page.getByRole("button", { name: "Create access key" }).click();
  await expect(page.getByRole("heading", { name: "New access key: copy the secret now" })).toBeFocused();
  await page.keyboard.press("Tab");
  await expect(page.getByRole("button", { name: "Copy the key ID" })).toBeFocused();
  await page.getByRole("button", { name: "I have stored the secret" }).click();
  await expect(page.getByLabel("Description of the new key")).toBeFocused();
  const row = page.getByRole("table", { name: "Access keys", exact: true }).getByRole("row").filter({ hasText: "focus key" });
  await row.getByRole("button", { name: /^Delete access key/ }).click();
  await page.getByRole("dialog", { name: "Delete this access key?" }).getByRole("button", { name: "Delete key" }).click();
});

test("on a phone, the preview bar never hides the field being typed in", async ({ page, api }) => {
  await page.setViewportSize(PHONE);
  const bucket = await api.createBucket("peek");
  await api.createRule(bucket, {
    conditionPrefix: "img",
    origin: { type: "url", protocol: "https", host: "cdn.example.com" },
    backupOrigin: { type: "url", protocol: "https", host: "backup.example.com" },
    prefixRewrite: { action: "replace", with: "files" },
  });
  await page.goto(`/buckets/${bucket}/configuration/mirroring/1/edit`);
  await expect(page.getByRole("heading", { name: "Edit mirror rule #1" })).toBeVisible();
  const bar = page.getByRole("group", { name: "Preview summary" });
  await expect(bar).toBeVisible();
  const confirm = page.getByRole("button", { name: "Confirm" });
  let checked = 0;
  for (let i = 0; i < 80 && !(await confirm.evaluate((element) => element === document.activeElement)); i++) {
    await page.keyboard.press("Tab");
    const overlap = await bar.evaluate((peek) => {
      const active = document.activeElement as HTMLElement | null;
      if (!active || active === document.body || peek.contains(active) || !active.closest("form")) return null;
      const field = active.getBoundingClientRect();
      const covering = peek.getBoundingClientRect();
      const hidden = Math.max(0, Math.min(field.bottom, covering.bottom) - Math.max(field.top, covering.top));
      return { name: active.getAttribute("aria-label") || active.id || active.tagName, hidden };
    });
    if (!overlap) continue;
    checked++;
    expect(overlap.hidden, `${overlap.name} is partly under the preview bar`).toBe(0);
  }
  expect(checked).toBeGreaterThan(10);
});

test("Check the origin now names the request id a failure's reason is logged under", async ({ page, api }) => {
  // A port with nothing listening on the allowlisted loopback address.
  const closed = await startOriginServer((_req, res) => res.end());
  const host = closed.host;
  await closed.stop();
  const bucket = await api.createBucket("checkfail");
  await api.createRule(bucket, { conditionPrefix: "a", origin: { type: "url", protocol: "http", host } });
  await page.goto(`/buckets/${bucket}/configuration`);
  await page.getByLabel("Test a key").fill("a/b.txt");
  await page.getByRole("button", { name: "Check the origin now" }).click();
  const result = page.getByRole("group", { name: "Origin check result" });
  await expect(result).toContainText("Failed: could not connect to the origin");
  await expect(result).toContainText(/request id [0-9a-f-]{36}/);
  expect(host.startsWith(`${E2E_ORIGIN_ADDRESS}:`)).toBe(true);
});

test("on a phone, the preview bar says an overlap with another rule must be fixed instead of showing an address", async ({ page, api }) => {
  await page.setViewportSize(PHONE);
  const bucket = await api.createBucket("peek-conflict");
  await api.createRule(bucket, { conditionPrefix: "img" });
  await page.goto(`/buckets/${bucket}/configuration/mirroring/new`);
  await page.getByLabel("Filename prefix").fill("img/2026");
  await page.getByLabel("Origin domain", { exact: true }).fill("cdn.example.org");
  const bar = page.getByRole("group", { name: "Preview summary" });
  await expect(bar).toContainText("1 problem to fix before saving (an overlap with other rules among them)");
  await expect(bar).not.toContainText("http://cdn.example.org");
});

test("a refused sign-in leaves the focus on the form, not the page's body", async ({ browser }) => {
  const context = await browser.newContext({ baseURL: BASE_URL });
  const page = await context.newPage();
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill("e2e-admin@example.com");
  await page.getByLabel("Password").fill("not the password");
  await page.getByLabel("Password").press("Enter");
  await expect(page.getByRole("alert").filter({ hasText: "wrong" })).toBeVisible();
  await expect.poll(() => page.evaluate(() => document.activeElement !== document.body && document.activeElement !== null)).toBe(true);
  await context.close();
});
