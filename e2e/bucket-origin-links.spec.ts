/**
 * Buckets tied by bucket origins, as the overview shows them before anything is tried: making a
 * bucket public names the private buckets its rules read (their objects become readable through
 * it), and a bucket another bucket's rule reads cannot be deleted, with that rule named and linked.
 */
import { expectNoAxeViolations } from "./axe";
import { expect, test } from "./fixtures";

test("making a bucket public names the private buckets its rules read", async ({ page, api }, testInfo) => {
  const source = await api.createBucket("private-src");
  const bucket = await api.createBucket("goes-public");
  await api.createRule(bucket, { conditionPrefix: "docs", origin: { type: "bucket", bucket: source } });
  await page.goto(`/buckets/${bucket}`);
  await page.getByLabel("Access (ACL)").selectOption("public-read");
  const dialog = page.getByRole("dialog", { name: `Make ${bucket} public?` });
  await expect(dialog).toContainText(`Private buckets that become readable through ${bucket}:`);
  await expect(dialog.getByRole("listitem")).toHaveText([`${source}, read by rule #1: any of its objects can be fetched through ${bucket}`]);
  await expectNoAxeViolations(page, testInfo, "make-public dialog naming a private origin bucket");
  await dialog.getByRole("button", { name: "Cancel" }).click();

  // A bucket whose rules read no private bucket has nothing to name.
  await page.goto(`/buckets/${source}`);
  await page.getByLabel("Access (ACL)").selectOption("public-read");
  const plain = page.getByRole("dialog", { name: `Make ${source} public?` });
  await expect(plain).toBeVisible();
  await expect(plain).not.toContainText("Private buckets that become readable");
  await plain.getByRole("button", { name: "Cancel" }).click();
});

test("a bucket another bucket's rule reads cannot be deleted, and the rule is named and linked", async ({ page, api }) => {
  const source = await api.createBucket("read-src");
  const reader = await api.createBucket("reader");
  await api.createRule(reader, { conditionPrefix: "img", origin: { type: "bucket", bucket: source } });
  await page.goto(`/buckets/${source}`);
  await expect(page.getByRole("button", { name: "Delete bucket" })).toBeDisabled();
  const why = page.locator("#delete-blocked");
  await expect(why).toHaveText(`A rule of another bucket reads this bucket as its origin; change it first: rule #1 of ${reader}.`);
  await why.getByRole("link", { name: `rule #1 of ${reader}` }).click();
  await expect(page).toHaveURL(new RegExp(`/buckets/${reader}/configuration/mirroring/1$`));
});
