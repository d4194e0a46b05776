/** Access keys, the bucket ACL and the audit log, through the console. */
import { expect, test } from "./fixtures";

test("creates an access key (secret shown once), disables and deletes it", async ({ page }) => {
  await page.goto("/access-keys");
  await page.getByLabel("Description of the new key").fill("e2e job");
  await page.getByRole("button", { name: "Create access key" }).click();
  const secret = page.getByLabel("Secret key");
  await expect(secret).toHaveText(/^[\w-]{32}$/);
  const row = page.getByRole("table", { name: "Access keys", exact: true }).getByRole("row").filter({ hasText: "e2e job" });
  const accessKeyId = (await row.getByRole("cell").first().textContent())!;
  await page.getByRole("button", { name: "I have stored the secret" }).click();
  await expect(secret).toBeHidden();

  await page.getByRole("button", { name: `Disable access key ${accessKeyId}` }).click();
  await expect(row.getByRole("cell", { name: "Disabled" })).toBeVisible();
  await page.getByRole("button", { name: `Delete access key ${accessKeyId}` }).click();
  const dialog = page.getByRole("dialog", { name: "Delete this access key?" });
  await dialog.getByRole("button", { name: "Delete key" }).click();
  await expect(page.getByRole("table", { name: "Access keys", exact: true }).getByRole("row").filter({ hasText: "e2e job" })).toHaveCount(0);
  const log = page.getByRole("table", { name: "Changes to access keys, newest first" });
  await expect(log.getByRole("row").nth(1)).toContainText(`Access key ${accessKeyId} deleted`);
  await expect(log.getByRole("row").nth(2)).toContainText(`Access key ${accessKeyId} disabled`);
});

test("sets a bucket public-read and shows the change in the audit log", async ({ page, api }) => {
  const bucket = await api.createBucket("acl");
  await api.createRule(bucket, { conditionPrefix: "abc" });
  await page.goto(`/buckets/${bucket}`);
  // Making a bucket public asks first; cancelling leaves it private.
  await page.getByLabel("Access (ACL)").selectOption("public-read");
  const confirm = page.getByRole("dialog", { name: `Make ${bucket} public?` });
  await expect(confirm).toContainText("read every object");
  await confirm.getByRole("button", { name: "Cancel" }).click();
  await expect(page.getByLabel("Access (ACL)")).toHaveValue("private");
  await page.getByLabel("Access (ACL)").selectOption("public-read");
  await confirm.getByRole("button", { name: "Make public" }).click();
  await expect(page.getByRole("status").filter({ hasText: "is now public read." })).toBeVisible();

  await page.getByRole("link", { name: "Audit log" }).click();
  const log = page.getByRole("table", { name: `Changes to ${bucket}, newest first` });
  await expect(log.getByRole("row")).toHaveCount(4);
  await expect(log.getByRole("row").nth(1)).toContainText("Access changed to public read");
  await expect(log.getByRole("row").nth(1)).toContainText("e2e-admin@example.com");
  await expect(log.getByRole("row").nth(2)).toContainText("Rule #1 added");
  await expect(log.getByRole("row").nth(3)).toContainText("Bucket created");
  await log.getByRole("row").nth(1).getByText("Before and after").click();
  await expect(log.getByRole("row").nth(1)).toContainText('"acl": "public-read"');
});
