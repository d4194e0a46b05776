/** View, edit and delete rules; the "Test a key" box; a stale edit. */
import { BASE_URL, expect, test } from "./fixtures";
import { RuleFormPage } from "./rule-form-page";

test("views and edits a rule", async ({ page, api }) => {
  const bucket = await api.createBucket("edit");
  const { id } = await api.createRule(bucket, { conditionPrefix: "abc" });
  await page.goto(`/buckets/${bucket}/configuration`);
  await page.getByRole("link", { name: `View rule #${id}` }).click();
  await expect(page.getByRole("heading", { name: `Mirror rule #${id}` })).toBeVisible();
  await expect(page.getByText("abc/myobject.docx → http://www.myweb.com/abc/myobject.docx")).toBeVisible();

  await page.getByRole("link", { name: "Edit", exact: true }).click();
  const form = new RuleFormPage(page);
  await expect(form.field("Filename prefix")).toHaveValue("abc");
  await form.field("Filename prefix").fill("photos");
  await form.field("Filename suffix").fill(".jpg");
  await expect(form.preview("Back-to-origin address")).toHaveText("http://www.myweb.com/photos/myobject.jpg");
  await form.confirm();
  await form.expectSavedTo(bucket);
  await expect(page.getByRole("status").filter({ hasText: `Rule #${id}` })).toContainText("saved");
  await expect(page.getByRole("cell", { name: 'Prefix "photos", suffix ".jpg" (on 404)' })).toBeVisible();
});

test("deletes a rule through the confirmation dialog", async ({ page, api }) => {
  const bucket = await api.createBucket("delete");
  const { id } = await api.createRule(bucket, { conditionPrefix: "old" });
  await page.goto(`/buckets/${bucket}/configuration`);

  await page.getByRole("button", { name: `Delete rule #${id}` }).click();
  const dialog = page.getByRole("dialog", { name: "Delete this mirror rule?" });
  await expect(dialog).toContainText("Back-to-origin stops at once");
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole("cell", { name: `#${id}`, exact: true })).toBeVisible();

  await page.getByRole("button", { name: `Delete rule #${id}` }).click();
  await dialog.getByRole("button", { name: "Delete rule" }).click();
  await expect(page.getByText("No mirror back-to-origin rules yet.")).toBeVisible();
});

test("the Test a key box names the matching rule and its address", async ({ page, api }) => {
  const bucket = await api.createBucket("testkey");
  const { id } = await api.createRule(bucket, {
    conditionPrefix: "examplefolder",
    prefixRewrite: { action: "replace", with: "myobject" },
    origin: { type: "url", protocol: "https", host: "myweb.com" },
    backupOrigin: { type: "url", protocol: "https", host: "backup.com" },
  });
  await page.goto(`/buckets/${bucket}/configuration`);
  const box = page.getByLabel("Test a key");
  const result = page.getByTestId("test-key-result");

  await box.fill("examplefolder/report 1.docx");
  await expect(result).toContainText(`Rule #${id} (prefix "examplefolder"), Mirror`);
  await expect(result).toContainText("https://myweb.com/myobject/report%201.docx");
  await expect(result).toContainText("https://backup.com/myobject/report%201.docx");

  await box.fill("other/file.txt");
  await expect(result).toHaveText("No rule matches “other/file.txt”: a GET for it answers 404 when the object is missing.");
});

test("tells the user when someone else changed the rule first", async ({ page, api }) => {
  const bucket = await api.createBucket("stale");
  const { id } = await api.createRule(bucket, { conditionPrefix: "abc" });
  await page.goto(`/buckets/${bucket}/configuration/mirroring/${id}/edit`);
  const form = new RuleFormPage(page);
  await expect(form.field("Filename prefix")).toHaveValue("abc");

  const elsewhere = await page.context().request.put(`/api/buckets/${bucket}/mirroring/rules/${id}`, {
    headers: { origin: BASE_URL },
    data: { conditionPrefix: "changed", origin: { type: "url", host: "a.com" }, storageClass: "STANDARD", version: 1 },
  });
  expect(elsewhere.status()).toBe(200);

  await form.field("Filename prefix").fill("mine");
  await form.confirm();
  await expect(page.getByRole("alert").filter({ hasText: "Someone else changed" })).toBeVisible();
  await page.getByRole("button", { name: "Load the latest version" }).click();
  await expect(form.field("Filename prefix")).toHaveValue("changed");
});
