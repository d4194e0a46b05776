/** Console details a new user tripped over: an unknown bucket, the backup origin's protocol, header choices. */
import { expect, test } from "./fixtures";

test("an unknown bucket shows a not-found page, without tabs or a retry button", async ({ page }) => {
  await page.goto("/buckets/no-such-bucket-e2e");
  await expect(page.getByRole("heading", { name: "No such bucket" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Back to the bucket list" })).toBeVisible();
  await expect(page.getByRole("tab")).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Try again" })).toHaveCount(0);
});

test("a bucket page has its own title", async ({ page, api }) => {
  const bucket = await api.createBucket("titled");
  await page.goto(`/buckets/${bucket}`);
  await expect(page).toHaveTitle(`${bucket} · Buckets · BOS Mirror console`);
});

test("a new backup origin takes the primary's protocol, and header exceptions appear only when headers are passed", async ({ page, api }) => {
  const bucket = await api.createBucket("backup-proto");
  await page.goto(`/buckets/${bucket}/configuration/mirroring/new`);
  await page.getByLabel("Origin protocol", { exact: true }).selectOption("https");
  await page.getByLabel("Use a backup origin").check();
  await expect(page.getByLabel("Backup origin protocol")).toHaveValue("https");

  await expect(page.getByLabel("Headers never passed")).toHaveCount(0);
  await page.getByRole("radio", { name: "All" }).check();
  await expect(page.getByLabel("Headers never passed")).toBeVisible();
  await page.getByRole("radio", { name: "None" }).check();
  await expect(page.getByLabel("Headers never passed")).toHaveCount(0);
});

test("Cancel with unsaved edits asks before discarding them; without edits it just leaves", async ({ page, api }) => {
  const bucket = await api.createBucket("dirty-form");
  const listUrl = new RegExp(`/buckets/${bucket}/configuration$`);
  await page.goto(`/buckets/${bucket}/configuration/mirroring/new`);
  await page.getByRole("button", { name: "Cancel" }).click();
  await expect(page).toHaveURL(listUrl);

  await page.goto(`/buckets/${bucket}/configuration/mirroring/new`);
  await page.getByLabel("Origin domain").fill("www.example.com");
  await page.getByRole("button", { name: "Cancel" }).click();
  const dialog = page.getByRole("dialog", { name: "Discard your changes?" });
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(page.getByLabel("Origin domain")).toHaveValue("www.example.com");
  await page.getByRole("button", { name: "Cancel" }).click();
  await dialog.getByRole("button", { name: "Discard changes" }).click();
  await expect(page).toHaveURL(listUrl);
});
